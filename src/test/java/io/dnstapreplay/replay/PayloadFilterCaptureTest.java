// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.ipnet.IpNetworks;
import io.dnstapreplay.replay.PayloadFilter.Decision;
import io.dnstapreplay.replay.PayloadFilter.Options;
import io.dnstapreplay.testing.KnotCapture;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Classifies the real Knot capture described in the shared testdata README. */
class PayloadFilterCaptureTest {
  private static List<Payload> payloads;

  @BeforeAll
  static void readCapture() throws IOException {
    payloads = new ArrayList<>();
    for (byte[] frame : KnotCapture.frames()) {
      payloads.add(Payload.decode(frame));
    }
  }

  @Test
  void replaysEveryUdpPayloadAndDiscardsTheTcpOnes() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Payload payload : payloads) {
      Decision decision =
          PayloadFilter.classify(payload, new Options(false, IpNetworks.none(), false));
      counts.merge(decision.getClass().getSimpleName(), 1, Integer::sum);
    }
    assertEquals(331, payloads.size());
    assertEquals(Map.of("DiscardNonUdp", 55, "Replay", 276), counts);
  }

  @Test
  void everyReplayHasWhatProxyAndTimespecNeed() {
    int replays = 0;
    for (Payload payload : payloads) {
      Decision decision =
          PayloadFilter.classify(payload, new Options(true, IpNetworks.none(), false));
      if (decision instanceof Decision.Replay replay) {
        replays++;
        assertTrue(replay.queryPort() >= 0 && replay.queryPort() <= 65535, replay.toString());
        assertNotNull(replay.responseTime());
      } else {
        assertEquals(new Decision.DiscardNonUdp(), decision);
      }
    }
    assertEquals(276, replays);
  }

  @Test
  void everyLoggedResponseHasTheKeyOfItsQuery() {
    for (Payload payload : payloads) {
      if (PayloadFilter.classify(payload, new Options(false, IpNetworks.none(), false))
          instanceof Decision.Replay replay) {
        QueryKey key = QueryKey.of(replay.query());
        assertTrue(key.hasQuestion(), key.toString());
        assertEquals(key, QueryKey.of(replay.loggedResponse()));
      }
    }
  }
}
