// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import java.util.function.Consumer;

/**
 * MatchSwitch says whether responses are compared now. It is on by default; the match-status
 * monitor turns it off while the source and target serve different zone versions, so that expected
 * differences are counted as suppressed instead of filling the error buffer.
 */
public final class MatchSwitch {
  private volatile boolean on = true;
  private final Consumer<Boolean> observer;

  public MatchSwitch(Consumer<Boolean> observer) {
    this.observer = observer;
    observer.accept(true);
  }

  public boolean isOn() {
    return on;
  }

  public void set(boolean on) {
    this.on = on;
    observer.accept(on);
  }
}
