// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads an octal file mode such as {@code 0660} into permissions. */
final class ModeConverter implements ITypeConverter<ModeConverter.FileMode> {
  /**
   * The permissions as one value: a {@code Set} option would make picocli treat {@code --unix-mode}
   * as repeatable.
   */
  record FileMode(Set<PosixFilePermission> permissions) {}

  private static final PosixFilePermission[] BITS = {
    PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
    PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
    PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
    PosixFilePermission.OWNER_READ
  };

  @Override
  public FileMode convert(String value) {
    if (!value.matches("0?[0-7]{3}")) {
      throw new TypeConversionException("'" + value + "' is not an octal mode like 0660");
    }
    int mode = Integer.parseInt(value, 8);
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((mode & (1 << i)) != 0) {
        perms.add(BITS[i]);
      }
    }
    return new FileMode(perms);
  }
}
