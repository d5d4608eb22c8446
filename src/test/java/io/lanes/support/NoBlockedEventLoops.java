package io.lanes.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The suite-wide guard of the first rule: after every test, no event loop was reported blocked while it ran. Registered
 * for every test class through {@code META-INF/services} (JUnit's extension auto-detection), so a blocking call that
 * sneaks onto a loop turns some test red even when that test checks something else. Vert.x reports a blocked thread only
 * by logging on its checker's logger; the guard listens there. The test Vert.x instances run that checker every 100 ms
 * with a 300 ms loop limit ({@code vertx-test-options.json}, see {@link TestVertx}), far below the 2 s default, so a
 * short synchronous call is caught too. A cold JVM also stalls a loop for a few hundred ms the first time it links a call
 * site or initialises a class (lambda and string-concat bootstraps, Netty's first buffer chunk registering its JFR
 * event, a loop starting its thread or making its thread-local pools):
 * a warning whose stack shows such linking is not a blocking call and is only logged, as is one whose loop is already
 * back waiting for I/O when the checker samples it, or inside a non-blocking socket read or write (the thread was
 * starved of CPU, or the stall ended just then; a real
 * blocking call longer than the limit plus one check interval is always caught in the act). A verticle's start or stop
 * (building a router from the contract, binding a port) runs once on its loop and gets {@value #START_UP_LIMIT_MS} ms:
 * a starved 2-core machine stretches its tens of milliseconds past the request-path limit, and a blocking call there
 * that lasts longer is still caught. Tests that block a loop on purpose
 * say so with {@link BlocksEventLoopOnPurpose}. Before the first test, a {@link WarmUp} loads what the lanes use.
 */
public final class NoBlockedEventLoops implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {

  static final String CHECKER_LOGGER = "io.vertx.core.impl.BlockedThreadChecker";
  private static final String EVENT_LOOP_THREAD = "vert.x-eventloop-thread";
  /** Frames of one-time JVM work: linking call sites, loading and initialising classes. */
  private static final List<String> WARM_UP_FRAMES = List.of("java.lang.invoke.", "java.lang.ClassLoader.",
    "jdk.internal.loader.", "jdk.jfr.internal.", ".<clinit>", "java.lang.Thread.start0",
    "io.netty.util.concurrent.FastThreadLocal.initialize");
  /** The top frame of a loop waiting for I/O: whatever held it ended before the checker looked (CPU starvation, GC). */
  private static final List<String> IDLE_FRAMES = List.of("sun.nio.ch.EPoll.wait", "io.netty.channel.epoll.Native.epollWait",
    "sun.nio.ch.SelectorImpl.select",
    // waking another loop is one write to an eventfd: it only takes that long when the thread is starved of CPU
    "sun.nio.ch.EventFD.set0");
  /** How deep below a native top frame a socket channel's read or write is looked for. */
  private static final int SOCKET_CALL_DEPTH = 8;
  /** Frames of a verticle being deployed or undeployed: its start or stop runs on its loop, once. */
  private static final String DEPLOYMENT_FRAMES = "io.vertx.core.impl.deployment.";
  static final long START_UP_LIMIT_MS = 1000;
  private static final Pattern BLOCKED_FOR = Pattern.compile("has been blocked for (\\d+) ms");
  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(NoBlockedEventLoops.class);
  private static final Recorder RECORDER = Recorder.install();

  /** Before the first test class of the JVM: {@link WarmUp}. */
  @Override
  public void beforeAll(ExtensionContext context) {
    WarmUp.once();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    RECORDER.events.clear();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<String> blocked = RECORDER.events.stream().toList();
    RECORDER.events.clear();
    if (blocked.isEmpty() || onPurpose(context)) {
      return;
    }
    fail("an event loop was blocked during this test (" + blocked.size() + " blocked-thread warning(s)); the first: "
      + blocked.get(0));
  }

  /** The warnings recorded (not ignored) since the current test began: for the guard's own test. */
  static List<String> recorded() {
    return RECORDER.events.stream().toList();
  }

  private static boolean onPurpose(ExtensionContext context) {
    return context.getTestMethod().map(m -> AnnotationSupport.isAnnotated(m, BlocksEventLoopOnPurpose.class)).orElse(false)
      || context.getTestClass().map(c -> AnnotationSupport.isAnnotated(c, BlocksEventLoopOnPurpose.class)).orElse(false);
  }

  /** The warnings about event-loop threads (a worker past its own limit is not this guard's business). */
  private static final class Recorder extends AppenderBase<ILoggingEvent> {
    private final Queue<String> events = new ConcurrentLinkedQueue<>();

    static Recorder install() {
      Logger checker = (Logger) LoggerFactory.getLogger(CHECKER_LOGGER);
      Recorder recorder = new Recorder();
      recorder.setName("no-blocked-event-loops");
      recorder.setContext(checker.getLoggerContext());
      recorder.start();
      checker.addAppender(recorder);
      return recorder;
    }

    @Override
    protected void append(ILoggingEvent event) {
      String message = event.getFormattedMessage();
      if (message == null || !message.contains(EVENT_LOOP_THREAD)) {
        return;
      }
      String where = topLanesOrFirstFrame(event.getThrowableProxy());
      if (isWarmUp(event.getThrowableProxy())) {
        LOG.info("Ignoring a JVM warm-up stall, not a blocking call: {} at {}", message, where);
        return;
      }
      if (isStartUp(event.getThrowableProxy()) && blockedMs(message) < START_UP_LIMIT_MS) {
        LOG.info("Ignoring a verticle start or stop under its {} ms allowance: {} at {}", START_UP_LIMIT_MS, message, where);
        return;
      }
      if (isIdle(event.getThrowableProxy())) {
        LOG.info("Ignoring a stall that was over when the checker looked (the loop waits for I/O): {}", message);
        return;
      }
      events.add(message + " at " + where + " (top frame " + topFrame(event.getThrowableProxy()) + ")");
    }

    private static boolean isWarmUp(IThrowableProxy stack) {
      if (stack == null || stack.getStackTraceElementProxyArray() == null) {
        return false;
      }
      for (StackTraceElementProxy frame : stack.getStackTraceElementProxyArray()) {
        String name = frame.getStackTraceElement().getClassName() + "." + frame.getStackTraceElement().getMethodName();
        if (WARM_UP_FRAMES.stream().anyMatch(name::contains)) {
          return true;
        }
      }
      return false;
    }

    private static boolean isStartUp(IThrowableProxy stack) {
      if (stack == null || stack.getStackTraceElementProxyArray() == null) {
        return false;
      }
      for (StackTraceElementProxy frame : stack.getStackTraceElementProxyArray()) {
        if (frame.getStackTraceElement().getClassName().startsWith(DEPLOYMENT_FRAMES)) {
          return true;
        }
      }
      return false;
    }

    /** How long the warning says the loop was blocked; unknown counts as over every allowance. */
    private static long blockedMs(String message) {
      Matcher blocked = BLOCKED_FOR.matcher(message);
      return blocked.find() ? Long.parseLong(blocked.group(1)) : Long.MAX_VALUE;
    }

    private static boolean isIdle(IThrowableProxy stack) {
      if (stack == null || stack.getStackTraceElementProxyArray() == null
        || stack.getStackTraceElementProxyArray().length == 0) {
        return false;
      }
      StackTraceElementProxy[] frames = stack.getStackTraceElementProxyArray();
      StackTraceElement top = frames[0].getStackTraceElement();
      String name = top.getClassName() + "." + top.getMethodName();
      return IDLE_FRAMES.stream().anyMatch(name::startsWith) || inNonBlockingSocketCall(frames);
    }

    /**
     * A native read or write of a loop's socket channel: non-blocking, so it only lasts that long when the thread is
     * starved of CPU. A file channel's write (a real blocking call) shows FileChannelImpl instead and still counts.
     */
    private static boolean inNonBlockingSocketCall(StackTraceElementProxy[] frames) {
      if (!frames[0].getStackTraceElement().isNativeMethod()) {
        return false;
      }
      for (int i = 1; i < Math.min(frames.length, SOCKET_CALL_DEPTH); i++) {
        String frameClass = frames[i].getStackTraceElement().getClassName();
        if (frameClass.equals("sun.nio.ch.FileChannelImpl")) {
          return false;
        }
        if (frameClass.equals("sun.nio.ch.SocketChannelImpl")) {
          return true;
        }
      }
      return false;
    }

    private static String topFrame(IThrowableProxy stack) {
      return stack == null || stack.getStackTraceElementProxyArray() == null
        || stack.getStackTraceElementProxyArray().length == 0
        ? "unknown" : stack.getStackTraceElementProxyArray()[0].getSTEAsString();
    }

    /** The first frame of Lanes' own code in the blocked stack (where to look), else its top frame. */
    private static String topLanesOrFirstFrame(IThrowableProxy stack) {
      if (stack == null || stack.getStackTraceElementProxyArray() == null
        || stack.getStackTraceElementProxyArray().length == 0) {
        return "(no stack)";
      }
      StackTraceElementProxy[] frames = stack.getStackTraceElementProxyArray();
      for (StackTraceElementProxy frame : frames) {
        if (frame.getStackTraceElement().getClassName().startsWith("io.lanes.")) {
          return frame.getSTEAsString();
        }
      }
      return frames[0].getSTEAsString();
    }
  }
}
