package io.lanes.app;

import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The exit status of a failed start under the Vert.x 4 launcher: {@code io.vertx.core.Launcher} (the {@code vertx run}
 * form, vertx-launcher-legacy-cli) closes Vert.x after a failed deployment and lets the JVM exit with 0, as if all was
 * well. Under it, a start that failed exits 15 once Vert.x is closed, the status the application launcher gives the same
 * failure, so a script or a supervisor sees it. Under any other launcher this does nothing.
 */
final class LegacyLauncherExit {

  static final String LEGACY_LAUNCHER = "io.vertx.core.Launcher";
  /** {@code io.vertx.launcher.application.ExitCodes.VERTX_DEPLOYMENT}. */
  static final int DEPLOYMENT_FAILED = 15;
  /** Time for every instance of a failed deployment to report, and for the launcher to start closing Vert.x. */
  private static final long SETTLE_MS = 200;
  private static final long CLOSE_WAIT_SECONDS = 30;
  private static final AtomicBoolean EXITING = new AtomicBoolean();

  private LegacyLauncherExit() {
  }

  static void afterFailedStart(Vertx vertx) {
    if (!startedByLegacyLauncher() || !EXITING.compareAndSet(false, true)) {
      return;
    }
    // A thread of its own, not a daemon: the JVM cannot end (with 0) before it has exited with the status.
    Thread exit = new Thread(() -> {
      try {
        Thread.sleep(SETTLE_MS);
        vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception closeFailedOrSlow) {
        // exit anyway: the start failed
      }
      System.exit(DEPLOYMENT_FAILED);
    }, "lanes-exit-after-failed-start");
    exit.start();
  }

  static boolean startedByLegacyLauncher() {
    String command = System.getProperty("sun.java.command", "");
    return command.equals(LEGACY_LAUNCHER) || command.startsWith(LEGACY_LAUNCHER + " ");
  }
}
