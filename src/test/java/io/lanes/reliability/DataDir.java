package io.lanes.reliability;

import io.lanes.files.TempFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What a node left in its data dir: temp files, files under a final name, and whether {@code log.txt} lines are whole. */
final class DataDir {

  /** A whole {@code log.txt} line: {@code <ISO-8601 instant> "<message as a JSON string>"}. */
  private static final Pattern WHOLE_LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\S+Z \".*\"$");

  private DataDir() {
  }

  static long tornLines(String log) {
    return log.lines().filter(l -> !WHOLE_LINE.matcher(l).matches()).count();
  }

  static long countLines(Path file, Predicate<String> which) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (Stream<String> lines = Files.lines(file)) {
      return lines.filter(which).count();
    }
  }

  /** How many distinct messages {@code <marker><digits>} the file holds. */
  static long distinctLines(Path file, String marker) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    Pattern id = Pattern.compile("\"(" + Pattern.quote(marker) + "\\d+)\"");
    Set<String> seen = new HashSet<>();
    try (Stream<String> lines = Files.lines(file)) {
      lines.forEach(l -> {
        Matcher m = id.matcher(l);
        if (m.find()) {
          seen.add(m.group(1));
        }
      });
    }
    return seen.size();
  }

  static List<Path> temps(Path dir) throws IOException {
    return list(dir).stream().filter(TempFiles::isTemp).toList();
  }

  static List<Path> finals(Path dir) throws IOException {
    return list(dir).stream().filter(p -> {
      String name = p.getFileName().toString();
      return name.startsWith(TempFiles.FINAL_PREFIX) && name.endsWith(TempFiles.FINAL_SUFFIX);
    }).toList();
  }

  static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }
}
