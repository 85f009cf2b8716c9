// Reading log inputs for the sweep: which files a set of paths names, and their lines.
//
// ExpandInputs turns command-line paths into a sorted list of files: a directory is walked
// recursively (entries in byte order of their names; symbolic links to directories are
// followed once — a directory already visited, by device and inode, is skipped, so link loops
// end); "-" is standard input. Paths that cannot be listed are reported, never fatal.
//
// LineReader reads one file (plain, or gzip when it starts with the gzip magic bytes; zlib is
// wrapped here and nowhere else) in large blocks (ReaderOptions::block_bytes) and cuts lines in
// place: each line is a string_view into the block, valid until the next call to Next(). No
// allocation per line. A line longer than max_line_bytes is not returned as text: Next()
// reports it with `too_long` set and its length, and skips it. A final line without '\n' is
// returned; a '\r' before the '\n' is dropped.
//
// A reader may own a byte range of a plain file (for parallel sweeps): it returns the lines
// that *start* inside [begin, end), reading past `end` to finish the last one.
//
// Errors while reading (a truncated or corrupt gzip stream, an I/O error) end the line stream:
// Next() returns false and status() says what happened and where (uncompressed offset).
//
// Thread-safety: a LineReader is used by one thread; different readers are independent.
//
//   auto reader = match::LineReader::Open("access.log.gz", {});
//   match::LogLine line;
//   while ((*reader)->Next(&line)) if (!line.too_long) Use(line.text, line.offset);
//   if (!(*reader)->status().ok()) Report((*reader)->status());
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tadamun::match {

struct InputFile {
  std::string path;  // "-" for standard input
  uint64_t size = 0; // bytes on disk (0 for stdin; compressed size for .gz)
  bool gzip = false; // starts with the gzip magic bytes
};

struct InputProblem {
  std::string path;
  Status status;
};

// Appends the files named by `paths` to *files (sorted within each directory) and every path
// that could not be used (missing, unreadable directory, not a regular file) to *problems.
void ExpandInputs(const std::vector<std::string>& paths, std::vector<InputFile>* files,
                  std::vector<InputProblem>* problems);

struct ReaderOptions {
  // Bytes read from the file (or inflated) per block. Default 4 MiB.
  size_t block_bytes = size_t{4} << 20;
  // Longest line returned, in bytes without the '\n'. Longer lines are skipped and reported
  // (LogLine::too_long). Default 1 MiB.
  size_t max_line_bytes = size_t{1} << 20;
};

struct LogLine {
  std::string_view text;  // without '\n' (and without a '\r' before it); empty when too_long
  uint64_t offset = 0;    // byte offset of the line's first byte (uncompressed for gzip)
  uint64_t length = 0;    // bytes of the line without its '\n'
  bool too_long = false;  // longer than max_line_bytes: skipped, `text` is empty
};

class LineReader {
 public:
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Opens `path` ("-": standard input). `end` = UINT64_MAX means to the end of the file.
  // A range other than the whole file is only for plain files (InvalidArgument otherwise).
  // Errors: NotFound / PermissionDenied / Unavailable naming the path.
  static StatusOr<std::unique_ptr<LineReader>> Open(const std::string& path,
                                                    const ReaderOptions& options,
                                                    uint64_t begin = 0,
                                                    uint64_t end = UINT64_MAX);

  // The next line, or false at the end of the range or after an error (see status()).
  bool Next(LogLine* line);

  // OK, or why reading stopped early (DataLoss for truncated/corrupt gzip, Unavailable for
  // I/O errors), naming the file and the offset reached.
  const Status& status() const { return status_; }
  bool gzip() const { return gzip_; }
  // Uncompressed bytes of the lines returned so far, from the first line of the range (the
  // byte counts of consecutive ranges add up to the file's size).
  uint64_t bytes_read() const { return consumed_ - start_; }

 private:
  LineReader() = default;
  // Reads more bytes into buf_ after the kept tail; false at end of input or on error.
  bool Fill();
  size_t ReadRaw(char* out, size_t want);  // plain or inflated bytes; 0 at end/error

  std::string path_;
  ReaderOptions options_;
  int fd_ = -1;
  bool own_fd_ = false;
  bool gzip_ = false;
  struct Inflater;
  std::unique_ptr<Inflater> inflater_;
  struct Buffer {  // not zero-filled: a reader of a small file touches few of its pages
    std::unique_ptr<char[]> bytes;
    size_t capacity = 0;
    char* data() { return bytes.get(); }
    size_t size() const { return capacity; }
    char& operator[](size_t i) { return bytes[i]; }
  };
  Buffer buf_;
  size_t pos_ = 0;          // next unread byte in buf_
  size_t len_ = 0;          // bytes held in buf_
  uint64_t buf_offset_ = 0; // file offset of buf_[0]
  uint64_t end_ = UINT64_MAX;
  uint64_t consumed_ = 0;
  uint64_t start_ = 0;       // offset of the range's first line
  bool eof_ = false;
  bool skipping_ = false;   // inside a too-long line
  Status status_;
};

}  // namespace tadamun::match
