// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.fault;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stages knows whether every stage of one daemon still runs, for the health check that {@code
 * /healthz} and {@code /metrics} consult, and builds the daemon's event loops so that a fatal error
 * in one cannot pass unnoticed (see {@link FatalErrors}).
 *
 * <p>Its event loops run every task, scheduled task and submitted task {@link FatalErrors#guard
 * guarded}: Netty would log such an error and carry on, or, for a periodic task such as the timeout
 * sweeper, silently stop running it. Their threads record a fatal error here before passing it to
 * the default uncaught-exception handler (which, in the daemon, ends the process), and a loop that
 * ends before {@link #stopping} is a dead stage.
 */
public final class Stages {
  private final AtomicReference<String> death = new AtomicReference<>();
  private volatile boolean stopping;

  /** An epoll event loop group of {@code threads} threads named after {@code name}. */
  public EventLoopGroup eventLoopGroup(String name, int threads) {
    return new Group(name, threads, EpollIoHandler.newFactory());
  }

  /** From now on stages end on purpose. */
  public void stopping() {
    stopping = true;
  }

  /** What died, or empty while every stage runs. */
  public Optional<String> problem() {
    return Optional.ofNullable(death.get());
  }

  /**
   * Records that {@code stage} died of {@code cause} and passes it on to the default
   * uncaught-exception handler, which in the daemon ends the process.
   */
  private void died(String stage, Thread thread, Throwable cause) {
    death.compareAndSet(null, stage + " died: " + cause);
    Thread.UncaughtExceptionHandler next = Thread.getDefaultUncaughtExceptionHandler();
    (next != null ? next : thread.getThreadGroup()).uncaughtException(thread, cause);
  }

  /** Threads that record a fatal error here, then pass it on to the default handler. */
  private final class Threads extends DefaultThreadFactory {
    Threads(String name) {
      super(name);
    }

    @Override
    protected Thread newThread(Runnable r, String name) {
      Thread t = super.newThread(r, name);
      t.setUncaughtExceptionHandler((thread, e) -> died(thread.getName(), thread, e));
      return t;
    }
  }

  /**
   * Event loops whose end before {@link #stopping} is a fatal error: Netty logs what ended a loop
   * and lets its thread finish normally, so no uncaught-exception handler would hear of it.
   */
  private final class Group extends MultiThreadIoEventLoopGroup {
    private final String name;

    Group(String name, int threads, IoHandlerFactory io) {
      super(threads, new Threads(name), io);
      this.name = name;
    }

    @Override
    protected IoEventLoop newChild(Executor executor, IoHandlerFactory io, Object... args) {
      Loop loop = new Loop(this, executor, io);
      loop.terminationFuture()
          .addListener(
              f -> {
                if (!stopping) {
                  died(
                      name,
                      Thread.currentThread(),
                      new IllegalStateException("an event loop of " + name + " ended"));
                }
              });
      return loop;
    }
  }

  /** An event loop whose tasks report the fatal errors Netty would swallow. */
  private static final class Loop extends SingleThreadIoEventLoop {
    Loop(MultiThreadIoEventLoopGroup parent, Executor executor, IoHandlerFactory io) {
      super(parent, executor, io);
    }

    @Override
    public void execute(Runnable task) {
      super.execute(FatalErrors.guard(task));
    }

    @Override
    public void lazyExecute(Runnable task) {
      super.lazyExecute(FatalErrors.guard(task));
    }

    @Override
    public Future<?> submit(Runnable task) {
      return super.submit(FatalErrors.guard(task));
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
      return super.submit(FatalErrors.guard(task), result);
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
      return super.submit(FatalErrors.guard(task));
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
      return super.schedule(FatalErrors.guard(task), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> task, long delay, TimeUnit unit) {
      return super.schedule(FatalErrors.guard(task), delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(
        Runnable task, long initialDelay, long period, TimeUnit unit) {
      return super.scheduleAtFixedRate(FatalErrors.guard(task), initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(
        Runnable task, long initialDelay, long delay, TimeUnit unit) {
      return super.scheduleWithFixedDelay(FatalErrors.guard(task), initialDelay, delay, unit);
    }
  }
}
