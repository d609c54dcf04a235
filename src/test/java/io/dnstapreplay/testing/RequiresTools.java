// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class or method that runs real external programs (Knot, dnsperf, the dnstap tools),
 * so a developer without them sees it skipped rather than broken, while CI, which sets {@code
 * dnstapreplay.requireKnot}, sees it fail. See {@link KnotRequirement}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(KnotRequirement.class)
public @interface RequiresTools {
  /** Executable names looked up on {@code PATH}, {@code /usr/sbin} and {@code /sbin}. */
  String[] value() default {"knotd", "kdig"};
}
