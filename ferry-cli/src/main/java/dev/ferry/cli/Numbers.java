package dev.ferry.cli;

import picocli.CommandLine;

/** Numbers as bitsadmin users write them: decimal, or hexadecimal with 0x (notify flags, masks). */
final class Numbers {
  private Numbers() {}

  static long parse(String text) {
    String t = text.strip();
    return t.startsWith("0x") || t.startsWith("0X")
        ? Long.parseUnsignedLong(t.substring(2), 16)
        : Long.parseLong(t);
  }

  /** A 32-bit value, signed or unsigned (0xFFFFFFFF fits). */
  static final class Int implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String text) {
      long value = parse(text);
      if (value < Integer.MIN_VALUE || value > 0xFFFFFFFFL) {
        throw new CommandLine.TypeConversionException("'" + text + "' is not a 32-bit number");
      }
      return (int) value;
    }
  }

  /** A non-negative number of seconds. */
  static final class Seconds implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String text) {
      long value;
      try {
        value = parse(text);
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException("'" + text + "' is not a number of seconds");
      }
      if (value < 0) {
        throw new CommandLine.TypeConversionException("'" + text + "' is negative");
      }
      return value;
    }
  }
}
