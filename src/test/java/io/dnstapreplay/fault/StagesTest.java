// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.testing.Await;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every way an Error can leave code run by the daemon's event loops, which Netty would log or keep
 * in a future and carry on: each makes the stage dead for the health check, and reaches the
 * uncaught-exception handler that ends the process.
 */
class StagesTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final Stages stages = new Stages();
  private final EventLoopGroup group = stages.eventLoopGroup("test-loop", 1);

  @AfterEach
  void stop() {
    stages.stopping();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static Runnable failing() {
    return () -> {
      throw new OutOfMemoryError("test");
    };
  }

  private void assertDiesOf(Consumer<EventLoopGroup> scheduling) throws Exception {
    assertEquals(Optional.empty(), stages.problem());
    scheduling.accept(group);
    String problem =
        Await.first(() -> stages.problem().orElse(null), WAIT, () -> "no stage reported dead");
    assertTrue(problem.startsWith("test-loop-"), problem);
    assertTrue(problem.endsWith(" died: java.lang.OutOfMemoryError: test"), problem);
  }

  @Test
  void anErrorInATaskKillsTheStage() throws Exception {
    assertDiesOf(g -> g.next().execute(failing()));
  }

  @Test
  void anErrorInASubmittedTaskKillsTheStage() throws Exception {
    assertDiesOf(g -> g.next().submit(failing()));
  }

  @Test
  void anErrorInAScheduledTaskKillsTheStage() throws Exception {
    assertDiesOf(g -> g.next().schedule(failing(), 1, TimeUnit.MILLISECONDS));
  }

  /** A periodic task that fails would otherwise just stop running: the timeout sweeper, say. */
  @Test
  void anErrorInAPeriodicTaskKillsTheStage() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    assertDiesOf(
        g ->
            g.next()
                .scheduleAtFixedRate(
                    () -> {
                      if (runs.incrementAndGet() == 3) {
                        throw new OutOfMemoryError("test");
                      }
                    },
                    1,
                    1,
                    TimeUnit.MILLISECONDS));
  }

  @Test
  void exceptionsAreNotFatal() throws Exception {
    AtomicBoolean ran = new AtomicBoolean();
    group
        .next()
        .submit(
            () -> {
              throw new IllegalStateException("not fatal");
            })
        .await();
    group.next().submit(() -> ran.set(true)).sync();
    assertTrue(ran.get());
    assertEquals(Optional.empty(), stages.problem());
  }

  @Test
  void aLoopThatEndsBeforeTheStopIsDead() throws Exception {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    String problem =
        Await.first(() -> stages.problem().orElse(null), WAIT, () -> "no stage reported dead");
    assertEquals(
        "test-loop died: java.lang.IllegalStateException: an event loop of test-loop ended",
        problem);
  }
}
