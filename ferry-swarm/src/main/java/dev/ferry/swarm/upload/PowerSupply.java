package dev.ferry.swarm.upload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the machine runs on battery, and how charged it is, from Linux's power-supply class
 * ({@code /sys/class/power_supply}): on battery when no mains or USB supply is online and a battery
 * discharges. A machine without one (a server, a container) is never on battery.
 */
public final class PowerSupply {
  /** Where Linux lists the machine's power supplies. */
  public static final Path SYSFS = Path.of("/sys/class/power_supply");

  private final Path root;

  /**
   * @param root a directory laid out as {@link #SYSFS}: one directory per supply, with its {@code
   *     type}, {@code online}, {@code status} and {@code capacity} files
   */
  public PowerSupply(Path root) {
    this.root = root;
  }

  /** This machine's supplies. */
  public static PowerSupply ofHost() {
    return new PowerSupply(SYSFS);
  }

  /**
   * The battery's charge in percent while the machine runs on it; empty on mains power, or where
   * the machine cannot tell.
   */
  public Optional<Integer> onBattery() {
    boolean external = false;
    boolean discharging = false;
    int charge = -1;
    try (DirectoryStream<Path> supplies = Files.newDirectoryStream(root)) {
      for (Path supply : supplies) {
        String type = read(supply.resolve("type"));
        if (type.equals("Mains") || type.startsWith("USB")) {
          external |= read(supply.resolve("online")).equals("1");
        } else if (type.equals("Battery")) {
          if (read(supply.resolve("status")).equals("Discharging")) {
            discharging = true;
            charge = Math.max(charge, percent(read(supply.resolve("capacity"))));
          }
        }
      }
    } catch (IOException e) {
      // No power-supply class: a machine that cannot tell is taken as on mains power.
      return Optional.empty();
    }
    return !external && discharging ? Optional.of(Math.max(charge, 0)) : Optional.empty();
  }

  private static int percent(String text) {
    try {
      return Math.min(100, Math.max(0, Integer.parseInt(text)));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      return "";
    }
  }
}
