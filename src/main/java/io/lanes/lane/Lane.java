package io.lanes.lane;

import io.vertx.core.Future;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Admission for one lane of a node, bounded by how long work would wait to start, not by how much of it waits.
 *
 * <p>The policy, after the queueing rule that a queue is only as long as it takes to drain: the lane has
 * {@code parallelism} servers (threads, verticles); work beyond them waits. The lane measures its <em>drain rate</em>,
 * the items it serves per second while all servers are busy (an item that finishes while a server idles, or one
 * refused at its turn, does not count), and admits new work while its expected wait,
 * {@code (waiting + 1) / drain rate}, is within half the lane's budget {@code maxWaitMs} (the admission target). Past
 * it a request is refused at once, with a {@code Retry-After} from the same rate (when the queue will have drained back
 * under the target). Half, because the rate is measured under the load before: a burst that doubles the machine's load
 * (1,000 writes at once beside the same {@code /hello}s) halves it, and what was admitted must still start within the
 * whole budget; the original's 100-user load needs about 0.4 s of the files lane's 2 s. Work that waited past the
 * budget anyway when its turn comes is refused then ({@link Admission#start()}), never run late. Once every item that
 * started over the last {@value #SOJOURN_INTERVAL_MS} ms had waited longer than the target, new work is refused at the
 * door whatever the rate says (CoDel's check on the measured queue delay: the queue moves slower than its rate). A
 * hard cap, {@code maxQueued} waiting, is only a memory guard far above normal load. Until the lane has first measured
 * its rate (a cold start), it admits at most one waiting item per server; an idle lane keeps its last rate, and a lane
 * whose servers stay busy without finishing anything bounds its rate by that (work slower than it used to be): one item
 * per busy window, or all of them when more items run at once than there are servers (they share the machine). A count
 * says nothing about latency (64 queued 60 s sleeps are a minute, 64 queued small writes a
 * millisecond); the waiting time does. Compare CoDel applied to RPC queues ("Fail at Scale", ACM Queue 2015), which sheds
 * on the measured queue delay: this is the same bound, applied before the work joins the queue.
 *
 * <p>Shared by all event loops of a node and the threads finishing work: every decision is taken under the lane's lock,
 * which a few arithmetic operations hold.
 */
public final class Lane {

  /** Drain-rate buckets: 20 of 100 ms, the last two seconds. */
  private static final int BUCKETS = 20;
  private static final long BUCKET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** Busy time the rate needs before it is trusted. */
  private static final long MIN_BUSY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long MAX_RETRY_AFTER_MS = TimeUnit.HOURS.toMillis(1);
  /** The share of the wait budget that admission aims at (see the class comment). */
  private static final double ADMIT_SHARE = 0.5;
  /** CoDel's interval: how long every start must have waited past the target before the door closes on that alone. */
  static final long SOJOURN_INTERVAL_MS = 100;

  private final String name;
  private final IntSupplier parallelism;
  private final long maxWaitMs;
  private final double admitWaitMs;
  private final int maxQueued;
  private final long defaultRetryAfterMs;
  private final WaitRecorder waits;
  private final LongSupplier nanoClock;

  private int inFlight;
  /** Admitted items that have started and not finished (more than the servers when items run all at once). */
  private int running;
  private long admitted;
  private long rejected;
  private long expired;
  /** Since when (nanoTime) the lane has refused for waiting time or its cap; 0 while it admits. */
  private long overBudgetSince;

  private final long[] completions = new long[BUCKETS];
  private final long[] busyNanos = new long[BUCKETS];
  private long bucketStart;
  private int bucket;
  private long lastEvent;
  /** The last drain rate measured over a busy window; NaN until the first. */
  private double knownRate = Double.NaN;
  /** The sojourn interval now filling: since when (nanoTime), and the least wait of the items that started in it. */
  private long sojournIntervalStart;
  private long sojournMinNanos = Long.MAX_VALUE;
  /** The least wait of the last full interval with starts in it (Long.MAX_VALUE: none), and when that interval ended. */
  private long lastSojournMinNanos = Long.MAX_VALUE;
  private long lastSojournEnd;

  /**
   * @param parallelism how many items the lane runs at once (read at each decision: compute instances change with the
   *                    cluster)
   * @param maxWaitMs   the wait budget
   * @param maxQueued   the hard cap on waiting items (a memory guard)
   * @param defaultRetryAfterMs the {@code Retry-After} while no drain rate is known
   * @param waits       told how long each item waited to start
   */
  public Lane(String name, IntSupplier parallelism, long maxWaitMs, int maxQueued, long defaultRetryAfterMs,
              WaitRecorder waits) {
    this(name, parallelism, maxWaitMs, maxQueued, defaultRetryAfterMs, waits, System::nanoTime);
  }

  Lane(String name, IntSupplier parallelism, long maxWaitMs, int maxQueued, long defaultRetryAfterMs,
       WaitRecorder waits, LongSupplier nanoClock) {
    this.name = name;
    this.parallelism = parallelism;
    this.maxWaitMs = maxWaitMs;
    this.admitWaitMs = maxWaitMs * ADMIT_SHARE;
    this.maxQueued = maxQueued;
    this.defaultRetryAfterMs = defaultRetryAfterMs;
    this.waits = waits;
    this.nanoClock = nanoClock;
    this.bucketStart = nanoClock.getAsLong();
    this.lastEvent = bucketStart;
    this.sojournIntervalStart = bucketStart;
  }

  /** Told how long each item of a lane waited to start (for {@code lanes_lane_wait_seconds}). */
  @FunctionalInterface
  public interface WaitRecorder {
    WaitRecorder NONE = (lane, waitedNanos) -> { };

    void waited(String lane, long waitedNanos);
  }

  /**
   * Runs {@code work} if the lane admits it, holding its slot until the work's future completes; otherwise fails at once
   * with {@link LaneFullException} and never calls {@code work}. The work calls {@link Admission#start()} when it really
   * starts, or the lane counts it started at once.
   */
  public <T> Future<T> submit(Function<Admission, Future<T>> work) {
    Admission admission = tryAdmit();
    if (admission == null) {
      return Future.failedFuture(refusal());
    }
    Future<T> running;
    try {
      running = work.apply(admission);
    } catch (RuntimeException e) {
      admission.finish();
      return Future.failedFuture(e);
    }
    return running.andThen(done -> admission.finish());
  }

  /** {@link #submit(Function)} for work that starts as soon as it is admitted (nothing waits for a server). */
  public <T> Future<T> submit(Supplier<Future<T>> work) {
    return submit(admission -> {
      admission.start();
      return work.get();
    });
  }

  /** An admission for work the caller starts and finishes itself, or null (counted as rejected) when refused. */
  public synchronized Admission tryAdmit() {
    long now = nanoClock.getAsLong();
    if (!hasRoom(now)) {
      rejected++;
      if (overBudgetSince == 0) {
        overBudgetSince = Math.max(1, now);
      }
      return null;
    }
    overBudgetSince = 0;
    account(now);
    inFlight++;
    admitted++;
    return new Admission(now, System.currentTimeMillis());
  }

  /** The answer to a refused admission: 503 with a {@code Retry-After} from the drain rate. */
  public synchronized LaneFullException refusal() {
    return new LaneFullException(name, LaneFullException.Reason.EXPECTED_WAIT, capacity(), maxWaitMs,
      retryAfterMs(nanoClock.getAsLong()), 0);
  }

  /** The expected wait of an item admitted now, in ms: 0 while a server is free; -1 while no drain rate is known. */
  public synchronized long expectedWaitMs() {
    int waiting = inFlight - servers();
    if (waiting < 0) {
      return 0;
    }
    double rate = drainPerSecond(nanoClock.getAsLong());
    return Double.isNaN(rate) ? -1 : (long) expectedWaitMs(waiting, rate);
  }

  /**
   * Items completed per second while every server was busy, over the last two seconds (an idle lane: as last measured);
   * NaN before the first measurement.
   */
  public synchronized double drainPerSecond() {
    return drainPerSecond(nanoClock.getAsLong());
  }

  /** How long the lane has been refusing without a break, in nanoseconds; 0 once it would admit again. */
  public synchronized long overBudgetForNanos() {
    long now = nanoClock.getAsLong();
    if (overBudgetSince != 0 && hasRoom(now)) {
      overBudgetSince = 0;
    }
    return overBudgetSince == 0 ? 0 : Math.max(1, now - overBudgetSince);
  }

  /** Whether work admitted now would start within the admission target (and under the hard cap). */
  private boolean hasRoom(long now) {
    int servers = servers();
    int waiting = Math.max(0, inFlight - servers);
    if (inFlight < servers) {
      return true;
    }
    if (waiting >= maxQueued || queueTooSlow(now)) {
      return false;
    }
    double rate = drainPerSecond(now);
    return Double.isNaN(rate) ? waiting < servers : expectedWaitMs(waiting, rate) <= admitWaitMs;
  }

  /**
   * CoDel's check: every item that started in the last full interval (ended at most one interval ago) had waited more
   * than the admission target.
   */
  private boolean queueTooSlow(long now) {
    rollSojourn(now);
    return lastSojournMinNanos != Long.MAX_VALUE
      && now - lastSojournEnd <= TimeUnit.MILLISECONDS.toNanos(SOJOURN_INTERVAL_MS)
      && lastSojournMinNanos > admitWaitMs * 1e6;
  }

  private void rollSojourn(long now) {
    long interval = TimeUnit.MILLISECONDS.toNanos(SOJOURN_INTERVAL_MS);
    if (now - sojournIntervalStart < interval) {
      return;
    }
    if (sojournMinNanos != Long.MAX_VALUE) {
      lastSojournMinNanos = sojournMinNanos;
      lastSojournEnd = sojournIntervalStart + interval;
    }
    sojournMinNanos = Long.MAX_VALUE;
    // The interval now filling is the one that holds now (intervals without starts leave nothing behind).
    sojournIntervalStart += (now - sojournIntervalStart) / interval * interval;
  }

  private synchronized void started(long now, long waitedNanos) {
    running++;
    rollSojourn(now);
    sojournMinNanos = Math.min(sojournMinNanos, Math.max(0, waitedNanos));
  }

  public String name() {
    return name;
  }

  public long maxWaitMs() {
    return maxWaitMs;
  }

  /** The hard bound of work in flight: the servers and the waiting items the memory guard allows. */
  public int capacity() {
    return servers() + maxQueued;
  }

  public synchronized int inFlight() {
    return inFlight;
  }

  public synchronized long admitted() {
    return admitted;
  }

  /** Refused at the door, plus admitted items refused at their turn for having waited past the budget. */
  public synchronized long rejected() {
    return rejected + expired;
  }

  private int servers() {
    return Math.max(1, parallelism.getAsInt());
  }

  private static double expectedWaitMs(int waiting, double ratePerSecond) {
    return (waiting + 1) * 1000.0 / ratePerSecond;
  }

  private long retryAfterMs(long now) {
    double rate = drainPerSecond(now);
    if (Double.isNaN(rate)) {
      return defaultRetryAfterMs;
    }
    // When the queue will have drained enough for a newcomer to start within the admission target.
    double excess = Math.max(0, inFlight - servers() + 1) - rate * admitWaitMs / 1000.0;
    long ms = (long) Math.ceil(Math.max(excess, 1) * 1000.0 / rate);
    return Math.min(ms, MAX_RETRY_AFTER_MS);
  }

  private synchronized void finished(long now, boolean wasStarted, boolean wasServed) {
    if (wasStarted) {
      running--;
    }
    account(now);
    if (inFlight >= servers() && wasServed) {
      // The rate is items served per second of busy time, so only an item that ends busy time counts: five requests
      // in a row on an idle lane of two servers, counted, met the first 29 ms of busy time of a burst after them (173
      // items/s where the lane served 85), and it admitted twice what it could start within the budget. Nor does one
      // refused at its turn, which leaves the queue in no time: counted, it would raise the rate the next admissions
      // trust, so that more of them wait past the budget.
      completions[bucket]++;
      drainPerSecond(now);
    }
    inFlight--;
  }

  private synchronized LaneFullException expiredAtItsTurn(long now, long waitedMs) {
    expired++;
    if (overBudgetSince == 0) {
      overBudgetSince = Math.max(1, now);
    }
    return new LaneFullException(name, LaneFullException.Reason.WAITED, capacity(), maxWaitMs, retryAfterMs(now),
      waitedMs);
  }

  /** Moves the buckets on to {@code now}, crediting the time since the last event as busy if every server was. */
  private void account(long now) {
    while (now - bucketStart >= BUCKET_NANOS) {
      long bucketEnd = bucketStart + BUCKET_NANOS;
      if (inFlight >= servers()) {
        busyNanos[bucket] += Math.max(0, bucketEnd - Math.max(lastEvent, bucketStart));
      }
      lastEvent = Math.max(lastEvent, bucketEnd);
      bucket = (bucket + 1) % BUCKETS;
      bucketStart = bucketEnd;
      completions[bucket] = 0;
      busyNanos[bucket] = 0;
      if (now - bucketStart >= BUCKETS * BUCKET_NANOS) {
        // Idle for longer than the whole window: start afresh at now.
        java.util.Arrays.fill(completions, 0);
        java.util.Arrays.fill(busyNanos, 0);
        bucketStart = now;
        lastEvent = now;
      }
    }
    if (inFlight >= servers()) {
      busyNanos[bucket] += Math.max(0, now - lastEvent);
    }
    lastEvent = now;
  }

  /**
   * The drain rate: measured over the window when the servers were busy long enough; while they have been busy that
   * long without finishing anything, at most one item per busy window (and no more than the last rate measured); while
   * the window holds too little busy time (idle, or just started), the last rate measured, so that a lane that was idle
   * does not start over as if cold. NaN until a rate was ever measured.
   */
  private double drainPerSecond(long now) {
    account(now);
    long done = 0;
    long busy = 0;
    for (int i = 0; i < BUCKETS; i++) {
      done += completions[i];
      busy += busyNanos[i];
    }
    if (busy < MIN_BUSY_NANOS) {
      return knownRate;
    }
    // Items that run all at once beyond the servers (async writes: each starts when admitted, and they share the
    // machine) progress together and finish together, so the window measures them once as many have finished as run
    // at once; one at a time otherwise.
    int together = running > servers() ? running : 1;
    if (done < together) {
      // Busy without finishing a round: no faster than one round per busy window (a cold lane stays unmeasured). With a
      // round of one item for async writes, the files lane measured 12 to 18 writes/s (from its Retry-After) after an idle
      // spell (all 50 writes under way, the first few done) where it did 200, and refused them.
      return Math.min(knownRate, together * 1e9 / busy);
    }
    knownRate = done * 1e9 / busy;
    return knownRate;
  }

  /** One admitted item: it holds a slot until {@link #finish()}. */
  public final class Admission {

    private final long admittedNanos;
    private final long admittedAtEpochMs;
    private boolean started;
    private boolean finished;
    private boolean refusedAtItsTurn;

    private Admission(long admittedNanos, long admittedAtEpochMs) {
      this.admittedNanos = admittedNanos;
      this.admittedAtEpochMs = admittedAtEpochMs;
    }

    /** The latest moment (epoch ms) this item may start: a server elsewhere (a worker verticle) refuses it after. */
    public long startByEpochMs() {
      return admittedAtEpochMs + maxWaitMs;
    }

    public long admittedAtEpochMs() {
      return admittedAtEpochMs;
    }

    /**
     * The item starts now, on whatever thread runs it: records how long it waited. Throws {@link LaneFullException}
     * (reason {@code WAITED}) when it waited past the budget: the caller must not run it.
     */
    public void start() {
      long now = nanoClock.getAsLong();
      long waited = now - admittedNanos;
      boolean late = TimeUnit.NANOSECONDS.toMillis(waited) > maxWaitMs;
      if (recordStart(now, waited, late) && late) {
        throw expiredAtItsTurn(now, TimeUnit.NANOSECONDS.toMillis(waited));
      }
    }

    /**
     * A server elsewhere (a worker verticle) took the item past its {@link #startByEpochMs()} and refused it unrun: it
     * counts as refused at its turn, and its slot, once freed, as no item served.
     */
    public void refusedElsewhere() {
      long now = nanoClock.getAsLong();
      long waited = now - admittedNanos;
      if (recordStart(now, waited, true)) {
        expiredAtItsTurn(now, TimeUnit.NANOSECONDS.toMillis(waited));
      }
    }

    /** The item started elsewhere after waiting {@code waitedMs} (a worker verticle said so): recorded only. */
    public void startedAfter(long waitedMs) {
      recordStart(nanoClock.getAsLong(), TimeUnit.MILLISECONDS.toNanos(Math.max(0, waitedMs)), false);
    }

    /** Marks the item started (refused at its turn if so) and records its wait; false if it had started already. */
    private boolean recordStart(long now, long waitedNanos, boolean refused) {
      synchronized (this) {
        if (started) {
          return false;
        }
        started = true;
        refusedAtItsTurn = refused;
      }
      waits.waited(name, waitedNanos);
      started(now, waitedNanos);
      return true;
    }

    /** Frees the slot; once, however often it is called. */
    public void finish() {
      boolean wasStarted;
      boolean wasServed;
      synchronized (this) {
        if (finished) {
          return;
        }
        finished = true;
        wasStarted = started;
        wasServed = !refusedAtItsTurn;
      }
      finished(nanoClock.getAsLong(), wasStarted, wasServed);
    }
  }
}
