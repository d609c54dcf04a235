// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.mismatch;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The field-level differences between two responses; see {@link MismatchClassifier}.
 *
 * @param differences one line per difference, in message order, each with its class
 */
public record Mismatch(List<Difference> differences) {
  /** One field that differs, e.g. {@code answer: changed www.example.test. IN A: ...}. */
  public record Difference(MismatchClass mismatchClass, String detail) {
    @Override
    public String toString() {
      return mismatchClass.label() + ": " + detail;
    }
  }

  public Mismatch {
    differences = List.copyOf(differences);
  }

  /** The classes of the differences; empty only when the responses are byte for byte equal. */
  public Set<MismatchClass> classes() {
    Set<MismatchClass> classes = EnumSet.noneOf(MismatchClass.class);
    for (Difference d : differences) {
      classes.add(d.mismatchClass());
    }
    return classes;
  }

  /** Whether every difference is of a class in {@code equivalent}, and there is one. */
  public boolean onlyIn(Set<MismatchClass> equivalent) {
    return !differences.isEmpty() && equivalent.containsAll(classes());
  }
}
