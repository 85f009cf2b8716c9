// Decoder behaviour (alpha, grey detection, the pre-shrink rule) and bad input: empty,
// unsupported, truncated and corrupt files, decompression bombs; a batch goes on past them.
#include "media/image_decode.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

#include <jpeglib.h>
#include <png.h>
#include <webp/encode.h>
#include <zlib.h>

#include "media/hasher.h"

namespace tadamun::media {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Data(const std::string& rel) {
  return std::string(TADAMUN_TEST_DATA_DIR) + "/pdq/" + rel;
}

// Encodes pixels (width*height*channels) as PNG with libpng's simplified API.
std::string EncodePng(const std::vector<uint8_t>& pixels, int width, int height, int channels) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = width;
  image.height = height;
  image.format = channels == 1   ? PNG_FORMAT_GRAY
                 : channels == 2 ? PNG_FORMAT_GA
                 : channels == 3 ? PNG_FORMAT_RGB
                                 : PNG_FORMAT_RGBA;
  png_alloc_size_t size = 0;
  EXPECT_TRUE(png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr));
  std::string out(size, '\0');
  EXPECT_TRUE(png_image_write_to_memory(&image, out.data(), &size, 0, pixels.data(), 0, nullptr));
  out.resize(size);
  return out;
}

std::string EncodeJpeg(const std::vector<uint8_t>& rgb, int width, int height) {
  jpeg_compress_struct cinfo;
  jpeg_error_mgr err;
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_compress(&cinfo);
  unsigned char* mem = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &mem, &size);
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 90, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(&rgb[static_cast<size_t>(cinfo.next_scanline) * width * 3]);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::string out(reinterpret_cast<char*>(mem), size);
  jpeg_destroy_compress(&cinfo);
  std::free(mem);
  return out;
}

std::vector<uint8_t> Pattern(int width, int height, int channels, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> p(static_cast<size_t>(width) * height * channels);
  for (auto& v : p) v = static_cast<uint8_t>(rng());
  return p;
}

TEST(DecodeBadInput, EmptyFile) {
  StatusOr<LumaImage> r = DecodeToLuma("", DecodeOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("empty"), std::string::npos);
}

TEST(DecodeBadInput, UnsupportedFormatsSayWhatTheyAre) {
  struct Case {
    std::string bytes;
    std::string mentions;
  } cases[] = {
      {"GIF89a\x01\x00\x01\x00", "GIF"},
      {"BM\x36\x00\x00\x00", "BMP"},
      {std::string("II*\0\x08\0\0\0", 8), "TIFF"},
      {"hello, this is not an image", "not a recognised image"},
  };
  for (const Case& c : cases) {
    StatusOr<LumaImage> r = DecodeToLuma(c.bytes, DecodeOptions{});
    ASSERT_FALSE(r.ok()) << c.mentions;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.mentions), std::string::npos) << r.status().message();
  }
}

TEST(DecodeBadInput, TruncatedJpeg) {
  const std::string jpeg = ReadAll(Data("bridge-mods/aaa-orig.jpg"));
  ASSERT_GT(jpeg.size(), 1000u);
  for (size_t keep : {jpeg.size() / 2, size_t{3}, size_t{200}, jpeg.size() - 2}) {
    StatusOr<LumaImage> r = DecodeToLuma(std::string_view(jpeg).substr(0, keep), DecodeOptions{});
    ASSERT_FALSE(r.ok()) << "kept " << keep;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().ToString();
    EXPECT_NE(r.status().message().find("JPEG"), std::string::npos);
  }
}

TEST(DecodeBadInput, CorruptWebp) {
  StatusOr<LumaImage> r =
      DecodeToLuma(std::string("RIFF\x10\x00\x00\x00WEBPVP8 \x00\x00", 18), DecodeOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("WebP"), std::string::npos) << r.status().message();
}

TEST(DecodeBadInput, CorruptAndTruncatedPng) {
  const std::string png = EncodePng(Pattern(64, 48, 3, 1), 64, 48, 3);
  // Flip a byte inside the IDAT chunk: the CRC check fails.
  const size_t idat = png.find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  std::string corrupt = png;
  corrupt[idat + 10] = static_cast<char>(corrupt[idat + 10] ^ 0x55);
  StatusOr<LumaImage> r = DecodeToLuma(corrupt, DecodeOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("PNG"), std::string::npos) << r.status().message();
  // Truncated in the middle of the pixel data.
  r = DecodeToLuma(std::string_view(png).substr(0, png.size() / 2), DecodeOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("truncated"), std::string::npos) << r.status().message();
}

// Rewrites the IHDR size of a PNG (and its CRC) to claim a huge image.
std::string PngClaimingSize(std::string png, uint32_t width, uint32_t height) {
  const size_t ihdr = png.find("IHDR");
  auto put32 = [&](size_t at, uint32_t v) {
    png[at] = static_cast<char>(v >> 24);
    png[at + 1] = static_cast<char>(v >> 16);
    png[at + 2] = static_cast<char>(v >> 8);
    png[at + 3] = static_cast<char>(v);
  };
  put32(ihdr + 4, width);
  put32(ihdr + 8, height);
  const uint32_t crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(png.data() + ihdr), 4 + 13));
  put32(ihdr + 4 + 13, crc);
  return png;
}

TEST(DecodeBadInput, DecompressionBombsAreRefusedBeforeDecoding) {
  DecodeOptions small;
  small.max_pixels = 1'000'000;
  const std::string png = PngClaimingSize(EncodePng(Pattern(8, 8, 3, 2), 8, 8, 3), 50000, 50000);
  StatusOr<LumaImage> r = DecodeToLuma(png, small);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
  EXPECT_NE(r.status().message().find("50000x50000"), std::string::npos) << r.status().message();
  // JPEG: patch the SOF0 frame size of a small image to 60000 x 60000.
  std::string jpeg = EncodeJpeg(Pattern(16, 16, 3, 3), 16, 16);
  const size_t sof = jpeg.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  jpeg[sof + 5] = '\xEA';  // height 0xEA60 = 60000
  jpeg[sof + 6] = '\x60';
  jpeg[sof + 7] = '\xEA';  // width
  jpeg[sof + 8] = '\x60';
  r = DecodeToLuma(jpeg, small);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
  // The same image is fine under the limit.
  EXPECT_TRUE(DecodeToLuma(EncodeJpeg(Pattern(16, 16, 3, 3), 16, 16), small).ok());
}

TEST(DecodeBadInput, RandomCorruptionNeverCrashes) {
  const std::string jpeg = ReadAll(Data("reg-test-input/labelme-subset/q0122.jpg"));
  const std::string png = EncodePng(Pattern(40, 30, 4, 5), 40, 30, 4);
  std::mt19937 rng(77);
  DecodeOptions options;
  options.max_pixels = 4'000'000;
  int failures = 0;
  for (int i = 0; i < 300; ++i) {
    std::string bytes = (i % 2) ? jpeg : png;
    for (int k = 0; k < 1 + static_cast<int>(rng() % 8); ++k) {
      bytes[rng() % bytes.size()] = static_cast<char>(rng());
    }
    if (!DecodeToLuma(bytes, options).ok()) ++failures;
  }
  EXPECT_GT(failures, 0);
}

TEST(Decode, AlphaIsDroppedWithoutCompositing) {
  const int w = 37, h = 23;
  std::vector<uint8_t> rgb = Pattern(w, h, 3, 9), rgba(static_cast<size_t>(w) * h * 4);
  for (int i = 0; i < w * h; ++i) {
    for (int c = 0; c < 3; ++c) rgba[i * 4 + c] = rgb[i * 3 + c];
    rgba[i * 4 + 3] = static_cast<uint8_t>(i % 256);  // varying transparency
  }
  StatusOr<LumaImage> a = DecodeToLuma(EncodePng(rgb, w, h, 3), DecodeOptions{});
  StatusOr<LumaImage> b = DecodeToLuma(EncodePng(rgba, w, h, 4), DecodeOptions{});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->luma, b->luma);
  EXPECT_EQ(a->rows, h);
  EXPECT_EQ(a->cols, w);
}

TEST(Decode, LosslessWebpRoundTripsAndDropsAlpha) {
  const int w = 29, h = 17;
  std::vector<uint8_t> rgb = Pattern(w, h, 3, 12), rgba(static_cast<size_t>(w) * h * 4);
  for (int i = 0; i < w * h; ++i) {
    for (int c = 0; c < 3; ++c) rgba[i * 4 + c] = rgb[i * 3 + c];
    rgba[i * 4 + 3] = static_cast<uint8_t>(255 - i % 200);
  }
  uint8_t* out = nullptr;
  // WebP lossless keeps RGB under transparent pixels only when asked to (exact mode), so the
  // alpha values above stay > 0.
  const size_t n = WebPEncodeLosslessRGBA(rgba.data(), w, h, w * 4, &out);
  ASSERT_GT(n, 0u);
  const std::string webp(reinterpret_cast<char*>(out), n);
  WebPFree(out);
  StatusOr<LumaImage> a = DecodeToLuma(webp, DecodeOptions{});
  StatusOr<LumaImage> b = DecodeToLuma(EncodePng(rgb, w, h, 3), DecodeOptions{});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->format, ImageFormat::kWebp);
  EXPECT_EQ(a->luma, b->luma);
  // Over the pixel limit: refused from the header.
  DecodeOptions tiny;
  tiny.max_pixels = 100;
  EXPECT_EQ(DecodeToLuma(webp, tiny).status().code(), StatusCode::kResourceExhausted);
  // Truncated.
  EXPECT_FALSE(DecodeToLuma(std::string_view(webp).substr(0, webp.size() / 2), DecodeOptions{}).ok());
}

TEST(Decode, GreyRgbUsesTheGreyValueAndColourUsesTheLumaFormula) {
  const int w = 20, h = 10;
  std::vector<uint8_t> grey = Pattern(w, h, 1, 4), rgb(static_cast<size_t>(w) * h * 3);
  for (int i = 0; i < w * h; ++i) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = grey[i];
  StatusOr<LumaImage> g = DecodeToLuma(EncodePng(rgb, w, h, 3), DecodeOptions{});
  ASSERT_TRUE(g.ok());
  for (int i = 0; i < w * h; ++i) ASSERT_EQ(g->luma[i], static_cast<float>(grey[i]));
  rgb[5 * 3] = static_cast<uint8_t>(rgb[5 * 3] ^ 1);  // one coloured pixel: the whole image is RGB
  StatusOr<LumaImage> c = DecodeToLuma(EncodePng(rgb, w, h, 3), DecodeOptions{});
  ASSERT_TRUE(c.ok());
  for (int i = 0; i < w * h; ++i) {
    const float want = (0.299f * rgb[i * 3] + 0.587f * rgb[i * 3 + 1]) + 0.114f * rgb[i * 3 + 2];
    ASSERT_EQ(c->luma[i], want) << i;
  }
}

TEST(Decode, LargeImagesArePreShrunkByNearestNeighbour) {
  const int w = 1030, h = 600;  // only the width is over 512: both become 512
  std::vector<uint8_t> grey = Pattern(w, h, 1, 8);
  StatusOr<LumaImage> r = DecodeToLuma(EncodePng(grey, w, h, 1), DecodeOptions{});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rows, 512);
  ASSERT_EQ(r->cols, 512);
  EXPECT_EQ(r->source_width, w);
  EXPECT_EQ(r->source_height, h);
  for (int y = 0; y < 512; ++y) {
    for (int x = 0; x < 512; ++x) {
      const int sx = x * w / 512, sy = y * h / 512;  // floor(x*W/512)
      ASSERT_EQ(r->luma[y * 512 + x], static_cast<float>(grey[sy * w + sx])) << x << "," << y;
    }
  }
  // 512 x 300 is kept as is.
  StatusOr<LumaImage> s = DecodeToLuma(EncodePng(Pattern(512, 300, 1, 1), 512, 300, 1), DecodeOptions{});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->cols, 512);
  EXPECT_EQ(s->rows, 300);
}

TEST(HashFiles, BatchGoesOnPastBadFilesInInputOrder) {
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("media_batch." + std::to_string(::getpid())))
                              .string();
  std::filesystem::create_directories(dir + "/sub");
  const std::string jpeg = ReadAll(Data("reg-test-input/labelme-subset/q0291.jpg"));
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
  };
  write("a_good.jpg", jpeg);
  write("b_empty.jpg", "");
  write("c_truncated.jpg", jpeg.substr(0, jpeg.size() / 3));
  write("d_text.png", "not really a png");
  write("sub/e_good.png", EncodePng(Pattern(30, 30, 3, 1), 30, 30, 3));
  std::vector<std::string> files;
  ASSERT_TRUE(ListImageFiles({dir}, &files).ok());
  ASSERT_EQ(files.size(), 5u);
  EXPECT_EQ(ListImageFiles({dir + "/missing"}, &files).code(), StatusCode::kNotFound);
  std::vector<FileHash> results;
  HashFiles(files, HashOptions{}, 2, [&](const FileHash& f) { results.push_back(f); });
  ASSERT_EQ(results.size(), 5u);
  for (size_t i = 0; i < results.size(); ++i) EXPECT_EQ(results[i].index, i);
  EXPECT_TRUE(results[0].status.ok());
  EXPECT_EQ(results[1].status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(results[2].status.code(), StatusCode::kDataLoss);
  EXPECT_EQ(results[3].status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(results[4].status.ok());
  // Errors name the file.
  EXPECT_NE(results[2].status.message().find("c_truncated.jpg"), std::string::npos);
  // The good file hashes as on its own.
  StatusOr<ImageHashResult> alone = HashImageFile(files[0], HashOptions{});
  ASSERT_TRUE(alone.ok());
  EXPECT_EQ(results[0].result.hash(), alone->hash());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tadamun::media
