// Image decoding for PDQ: JPEG (libjpeg-turbo, accurate integer IDCT), PNG (libpng) and WebP
// (libwebp) bytes to the float luma image the reference `pdq-photo-hasher` hashes.
//
// The reference reads images through ImageMagick and CImg; this decoder reproduces what
// reaches its hash core:
//   * JPEG: libjpeg-turbo defaults with JDCT_ISLOW (= `djpeg -dct int`); CMYK/YCCK converted
//     to RGB as ImageMagick does (R = C*K/255 on Adobe-inverted samples, rounded).
//   * PNG: palette and low-bit grey expanded to 8 bits, 16-bit samples reduced to their high
//     byte, alpha dropped without compositing.
//   * WebP: libwebp's default decoding (fancy upsampling) to RGB, alpha dropped.
//   * An image of at most 512 px on both sides is kept as is; a larger one is pre-shrunk to
//     exactly 512x512 by nearest neighbour (source index floor(x*W/512), aspect not kept).
//   * Luma: grey images (one channel, or RGB with R = G = B in every pixel of the full image,
//     which ImageMagick writes as PGM) use the grey value; others 0.299R + 0.587G + 0.114B in
//     float, in that order.
// Decoding streams rows: memory is one source row plus the 512x512 sample, except for
// interlaced PNGs and WebP, which need the whole image (bounded by
// DecodeOptions::max_buffered_bytes).
//
// Input is hostile: unknown formats, empty, truncated or corrupt data, and images over
// `max_pixels` are errors (InvalidArgument, DataLoss, ResourceExhausted) whose message says
// what was wrong; no partial result is returned. Decoders never write to stderr.
//
// Thread-safety: pure function; safe to call concurrently.
//
//   TADAMUN_ASSIGN_OR_RETURN(media::LumaImage img, media::DecodeToLuma(bytes, {}));
//   media::PdqResult r = media::PdqFromLuma(img.luma.data(), img.rows, img.cols);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tadamun::media {

struct DecodeOptions {
  // Largest width * height accepted (decompression bombs); default 100 megapixels.
  uint64_t max_pixels = 100'000'000;
  // Largest decoded buffer an image that cannot be streamed (interlaced PNG, WebP) may need;
  // default 512 MiB.
  uint64_t max_buffered_bytes = uint64_t{512} << 20;
  // Most JPEG scans accepted (progressive-scan bombs); default 1000.
  int max_jpeg_scans = 1000;
};

enum class ImageFormat { kUnknown, kJpeg, kPng, kGif, kWebp, kBmp, kTiff };
std::string_view ImageFormatName(ImageFormat format);
// Recognises a format by its leading magic bytes.
ImageFormat SniffFormat(std::string_view bytes);

struct LumaImage {
  int rows = 0;  // after pre-shrink
  int cols = 0;
  int source_width = 0;
  int source_height = 0;
  ImageFormat format = ImageFormat::kUnknown;
  std::vector<float> luma;  // rows * cols, row-major
};

StatusOr<LumaImage> DecodeToLuma(std::string_view bytes, const DecodeOptions& options);

}  // namespace tadamun::media
