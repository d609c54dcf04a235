// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NettyMachineIdTest {
  private final String saved = System.getProperty(NettyMachineId.PROPERTY);

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(NettyMachineId.PROPERTY);
    } else {
      System.setProperty(NettyMachineId.PROPERTY, saved);
    }
  }

  @Test
  void setsEightHexBytesWhenAbsent() {
    System.clearProperty(NettyMachineId.PROPERTY);

    NettyMachineId.setIfAbsent();

    String id = System.getProperty(NettyMachineId.PROPERTY);
    assertTrue(id.matches("([0-9a-f]{2}:){7}[0-9a-f]{2}"), id);
  }

  @Test
  void keepsAnIdTheUserSet() {
    System.setProperty(NettyMachineId.PROPERTY, "02:00:00:00:00:01");

    NettyMachineId.setIfAbsent();

    assertEquals("02:00:00:00:00:01", System.getProperty(NettyMachineId.PROPERTY));
  }
}
