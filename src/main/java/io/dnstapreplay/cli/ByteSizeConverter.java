// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a size in bytes, plain or with a binary suffix as {@code -Xmx} takes it: {@code 65536},
 * {@code 64K}, {@code 32M}, {@code 1G}.
 */
final class ByteSizeConverter implements ITypeConverter<Long> {
  private static final Pattern SIZE = Pattern.compile("([0-9]{1,18})([KMG]?)");

  @Override
  public Long convert(String value) {
    Matcher m = SIZE.matcher(value.toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      throw new TypeConversionException(
          "'" + value + "' is not a size: BYTES, or a number followed by K, M or G");
    }
    int shift =
        switch (m.group(2)) {
          case "K" -> 10;
          case "M" -> 20;
          case "G" -> 30;
          default -> 0;
        };
    long n = Long.parseLong(m.group(1));
    if (n > Long.MAX_VALUE >> shift) {
      throw new TypeConversionException("'" + value + "' is too large");
    }
    return n << shift;
  }
}
