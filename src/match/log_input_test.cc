// LineReader and ExpandInputs: lines cut right across block and range boundaries (checked
// against a plain split of the same bytes), gzip (whole, concatenated, truncated, corrupt),
// long lines, directories (sorted, recursive, symlink loops), unreadable paths.
#include "match/log_input.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace tadamun::match {
namespace {

namespace fs = std::filesystem;

class LogInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("log_input_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(dir_);
  }
  std::string Path(const std::string& name) { return dir_ + "/" + name; }
  void Write(const std::string& name, const std::string& text) { std::ofstream(Path(name), std::ios::binary) << text; }
  std::string Gzip(const std::string& text) {
    const std::string tmp = Path("tmp.gz");
    gzFile f = gzopen(tmp.c_str(), "wb");
    gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
    gzclose(f);
    std::ifstream in(tmp, std::ios::binary);
    std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    fs::remove(tmp);
    return out;
  }
  std::string dir_;
};

struct Got {
  std::vector<std::string> lines;
  std::vector<uint64_t> offsets;
  std::vector<uint64_t> too_long;  // lengths of skipped lines
  Status status;
};

Got ReadAll(const std::string& path, ReaderOptions options, uint64_t begin = 0, uint64_t end = UINT64_MAX) {
  Got g;
  auto r = LineReader::Open(path, options, begin, end);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok()) return g;
  LogLine line;
  while ((*r)->Next(&line)) {
    if (line.too_long) {
      g.too_long.push_back(line.length);
      continue;
    }
    g.lines.emplace_back(line.text);
    g.offsets.push_back(line.offset);
  }
  g.status = (*r)->status();
  return g;
}

// The reference: split the bytes on '\n' by hand.
Got Split(const std::string& text, size_t max_line) {
  Got g;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string::npos ? text.size() : nl;
    if (end - start > max_line) {
      g.too_long.push_back(end - start);
    } else {
      std::string l = text.substr(start, end - start);
      if (!l.empty() && l.back() == '\r') l.pop_back();
      g.lines.push_back(l);
      g.offsets.push_back(start);
    }
    start = end + 1;
  }
  return g;
}

std::string RandomText(uint32_t seed, size_t lines, size_t max_len) {
  std::mt19937 rng(seed);
  std::string t;
  for (size_t i = 0; i < lines; ++i) {
    size_t n = rng() % 10 == 0 ? rng() % (max_len * 3) : rng() % max_len;
    for (size_t k = 0; k < n; ++k) t += static_cast<char>('a' + rng() % 26);
    if (rng() % 7 == 0) t += '\r';
    t += '\n';
  }
  if (seed % 2) t += "last line without newline";
  return t;
}

TEST_F(LogInputTest, LinesMatchAPlainSplitForAnyBlockSizeAndRange) {
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    const std::string text = RandomText(seed, 2000, 3000);
    Write("a.log", text);
    for (size_t max_line : {size_t{5000}, size_t{2000}}) {
      const Got want = Split(text, max_line);
      ReaderOptions o{.block_bytes = 4096, .max_line_bytes = max_line};
      Got whole = ReadAll(Path("a.log"), o);
      EXPECT_EQ(whole.lines, want.lines);
      EXPECT_EQ(whole.offsets, want.offsets);
      EXPECT_EQ(whole.too_long, want.too_long);
      // Ranges: the union of the lines of consecutive ranges is the whole file, in order.
      for (uint64_t chunk : {uint64_t{1}, uint64_t{777}, uint64_t{65536}}) {
        Got joined;
        for (uint64_t b = 0; b < text.size(); b += chunk) {
          Got part = ReadAll(Path("a.log"), o, b, std::min<uint64_t>(b + chunk, text.size()));
          joined.lines.insert(joined.lines.end(), part.lines.begin(), part.lines.end());
          joined.offsets.insert(joined.offsets.end(), part.offsets.begin(), part.offsets.end());
          joined.too_long.insert(joined.too_long.end(), part.too_long.begin(), part.too_long.end());
          if (chunk == 1 && b > 3000) break;  // enough for single-byte ranges
        }
        if (chunk == 1) continue;
        EXPECT_EQ(joined.lines, want.lines) << "chunk " << chunk;
        EXPECT_EQ(joined.offsets, want.offsets);
        EXPECT_EQ(joined.too_long, want.too_long);
      }
    }
  }
}

TEST_F(LogInputTest, GzipWholeConcatenatedTruncatedCorrupt) {
  const std::string a = RandomText(7, 3000, 200), b = RandomText(8, 100, 50) + "\n";
  const std::string ga = Gzip(a), gb = Gzip(b);
  Write("a.gz", ga);
  Got got = ReadAll(Path("a.gz"), {});
  EXPECT_TRUE(got.status.ok()) << got.status.message();
  EXPECT_EQ(got.lines, Split(a, 1 << 20).lines);

  Write("ab.gz", ga + gb);  // cat a.gz b.gz
  got = ReadAll(Path("ab.gz"), {.block_bytes = 4096});
  EXPECT_TRUE(got.status.ok()) << got.status.message();
  EXPECT_EQ(got.lines.size(), Split(a + b, 1 << 20).lines.size());

  Write("cut.gz", ga.substr(0, ga.size() / 2));
  got = ReadAll(Path("cut.gz"), {.block_bytes = 4096});
  EXPECT_EQ(got.status.code(), StatusCode::kDataLoss);
  EXPECT_NE(got.status.message().find("truncated gzip"), std::string::npos) << got.status.message();
  EXPECT_NE(got.status.message().find("cut.gz"), std::string::npos);
  // Every line returned is a whole line of the original (the cut-off last one is dropped).
  const Got full = Split(a, 1 << 20);
  ASSERT_LE(got.lines.size(), full.lines.size());
  EXPECT_GT(got.lines.size(), 0u);
  for (size_t i = 0; i < got.lines.size(); ++i) ASSERT_EQ(got.lines[i], full.lines[i]);

  std::string bad = ga;
  for (size_t i = 20; i < 60; ++i) bad[i] = static_cast<char>(bad[i] ^ 0x5a);
  Write("bad.gz", bad);
  got = ReadAll(Path("bad.gz"), {});
  EXPECT_EQ(got.status.code(), StatusCode::kDataLoss);

  Write("trail.gz", ga + "garbage after the member");
  got = ReadAll(Path("trail.gz"), {});
  EXPECT_EQ(got.status.code(), StatusCode::kDataLoss);
}

TEST_F(LogInputTest, TenMegabyteLineIsSkippedWithItsLength) {
  std::string text = "before\n" + std::string(10 << 20, 'x') + "\nafter\n" + std::string(3 << 20, 'y');
  Write("long.log", text);
  Got got = ReadAll(Path("long.log"), {});
  EXPECT_EQ(got.lines, (std::vector<std::string>{"before", "after"}));
  EXPECT_EQ(got.too_long, (std::vector<uint64_t>{10 << 20, 3 << 20}));
  EXPECT_EQ(got.offsets, (std::vector<uint64_t>{0, 7 + (10 << 20) + 1}));
}

TEST_F(LogInputTest, DirectoriesSortedRecursiveLoopSafe) {
  fs::create_directories(Path("d/b"));
  fs::create_directories(Path("d/a"));
  Write("d/b/2.log", "x\n");
  Write("d/a/1.log", "x\n");
  Write("d/0.log", "x\n");
  fs::create_directory_symlink(Path("d"), Path("d/a/loop"));  // d/a/loop -> d
  std::vector<InputFile> files;
  std::vector<InputProblem> problems;
  ExpandInputs({Path("d"), Path("missing.log")}, &files, &problems);
  std::vector<std::string> names;
  for (const InputFile& f : files) names.push_back(f.path.substr(dir_.size() + 1));
  EXPECT_EQ(names, (std::vector<std::string>{"d/0.log", "d/a/1.log", "d/b/2.log"}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].status.code(), StatusCode::kNotFound);
  EXPECT_NE(problems[0].status.message().find("missing.log"), std::string::npos);
}

TEST_F(LogInputTest, UnreadableFileIsAnErrorNamingIt) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads any file";
  Write("secret.log", "x\n");
  fs::permissions(Path("secret.log"), fs::perms::none);
  auto r = LineReader::Open(Path("secret.log"), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find("secret.log"), std::string::npos);
}

}  // namespace
}  // namespace tadamun::match
