package dev.ferry.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that runs a main class of the tests' class path: the same {@code
 * java} as this JVM, with the options the tests' child processes share (native access for
 * sqlite-jdbc, a small serial heap and C1 only, since they are short-lived and the machine is
 * shared).
 */
public final class ChildJvm {
  /** The JVM options every child gets, before {@code -cp}. */
  public static final List<String> OPTIONS =
      List.of(
          "--enable-native-access=ALL-UNNAMED",
          "-Xshare:auto",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1");

  private ChildJvm() {}

  /** {@code java OPTIONS -cp <this JVM's class path> mainClass args…}. */
  public static List<String> command(String mainClass, List<String> args) {
    return command(System.getProperty("java.class.path"), mainClass, args);
  }

  /** {@code java OPTIONS -cp classPath mainClass args…}. */
  public static List<String> command(String classPath, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(OPTIONS);
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.addAll(args);
    return command;
  }
}
