package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
import dev.ferry.api.FileInfo;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * Adding files to a job and listing them. Local names are made absolute against the current
 * directory here, because ferryd resolves nothing relative to where the command ran.
 */
final class FileCommands {
  private FileCommands() {}

  static String absolute(String local) {
    return Path.of(local).toAbsolutePath().normalize().toString();
  }

  @Command(
      name = "addfile",
      mixinStandardHelpOptions = true,
      description = "Add a file to the job: a URL and the local path it is downloaded to.")
  static final class AddFile extends JobVerb {
    @Parameters(index = "1", paramLabel = "URL", description = "an http, https or file URL")
    String url;

    @Parameters(index = "2", paramLabel = "LOCAL", description = "where the file goes")
    String local;

    @Override
    void validate() {
      Urls.problem(url)
          .ifPresent(problem -> {
            throw usage(problem);
          });
    }

    @Override
    int run(Session session, BackgroundCopyJob job) {
      String path = absolute(local);
      job.addFile(url, path);
      out().println("Added " + url + " -> " + path + " to job " + job.id() + ".");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "addfileset",
      mixinStandardHelpOptions = true,
      description = {
        "Add the files listed in a text file, all or none.",
        "Each line is 'URL LOCAL'; blank lines and lines starting with # are skipped."
      })
  static final class AddFileSet extends JobVerb {
    @Parameters(index = "1", paramLabel = "FILE", description = "the list; - reads standard input")
    String list;

    @Override
    int run(Session session, BackgroundCopyJob job) throws IOException {
      List<FileInfo> files = parse(read());
      job.addFileSet(files);
      out().println("Added " + files.size() + " file(s) to job " + job.id() + ".");
      return ExitCodes.OK;
    }

    private List<String> read() throws IOException {
      if (list.equals("-")) {
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        return in.lines().toList();
      }
      try {
        return Files.readAllLines(Path.of(list), StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new FerryException(HResult.ERROR_FILE_NOT_FOUND, "no such file: " + list);
      }
    }

    private List<FileInfo> parse(List<String> lines) {
      List<FileInfo> files = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\\s+", 2);
        if (parts.length < 2) {
          throw new FerryException(
              HResult.E_INVALIDARG,
              list + " line " + (i + 1) + ": expected 'URL LOCAL', not '" + line + "'");
        }
        files.add(new FileInfo(parts[0], absolute(parts[1].strip())));
      }
      if (files.isEmpty()) {
        throw new FerryException(HResult.E_INVALIDARG, list + " lists no files");
      }
      return files;
    }
  }

  @Command(
      name = "addfilewithranges",
      mixinStandardHelpOptions = true,
      description =
          "Add a file of which only some byte ranges are downloaded, back to back into LOCAL.")
  static final class AddFileWithRanges extends JobVerb {
    @Parameters(index = "1", paramLabel = "URL")
    String url;

    @Parameters(index = "2", paramLabel = "LOCAL")
    String local;

    @Parameters(
        index = "3",
        paramLabel = "RANGES",
        description = "offset:length,… where the length may be eof (to the end of the file)")
    String ranges;

    @Override
    void validate() {
      Urls.problem(url)
          .ifPresent(problem -> {
            throw usage(problem);
          });
    }

    @Override
    int run(Session session, BackgroundCopyJob job) {
      List<FileRange> parsed = new ArrayList<>();
      for (String range : ranges.split(",")) {
        parsed.add(FileRange.parse(range));
      }
      String path = absolute(local);
      job.addFileWithRanges(url, path, parsed);
      out()
          .println(
              "Added "
                  + url
                  + " ("
                  + parsed.size()
                  + " range(s)) -> "
                  + path
                  + " to job "
                  + job.id()
                  + ".");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "listfiles",
      mixinStandardHelpOptions = true,
      description = "List the job's files with their progress.")
  static final class ListFiles extends JobVerb {
    @Mixin JsonOption jsonOption;

    @Override
    int run(Session session, BackgroundCopyJob job) {
      var files = Views.files(job);
      if (json(jsonOption)) {
        printJson(files, true);
      } else {
        Views.printFiles(out(), files, "");
      }
      return ExitCodes.OK;
    }
  }
}
