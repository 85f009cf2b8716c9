// JPEG and PNG decoding to PDQ luma; see image_decode.h. The libjpeg and libpng adapters
// report errors by longjmp; the functions that call setjmp hold no C++ objects whose
// lifetime starts after the setjmp, and every callback that jumps is a plain C-style one.
#include "media/image_decode.h"

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>
#include <webp/decode.h>

namespace tadamun::media {

namespace {

constexpr int kPreShrinkDim = 512;

// Collects the (possibly pre-shrunk) sample of an image whose rows arrive in order.
class Sampler {
 public:
  Status Start(int width, int height, int channels, const DecodeOptions& options) {
    if (width <= 0 || height <= 0) {
      return Status::InvalidArgument("image has no pixels (" + std::to_string(width) + "x" +
                                     std::to_string(height) + ")");
    }
    const uint64_t pixels = static_cast<uint64_t>(width) * static_cast<uint64_t>(height);
    if (pixels > options.max_pixels) {
      return Status::ResourceExhausted(
          "image is " + std::to_string(width) + "x" + std::to_string(height) + " = " +
          std::to_string(pixels) + " pixels, over the limit of " +
          std::to_string(options.max_pixels) + " (decompression bomb?)");
    }
    width_ = width;
    height_ = height;
    channels_ = channels;
    const bool shrink = width > kPreShrinkDim || height > kPreShrinkDim;
    out_cols_ = shrink ? kPreShrinkDim : width;
    out_rows_ = shrink ? kPreShrinkDim : height;
    col_map_.resize(out_cols_);
    row_map_.resize(out_rows_);
    for (int x = 0; x < out_cols_; ++x) {
      col_map_[x] = static_cast<int>(static_cast<int64_t>(x) * width / out_cols_);
    }
    for (int y = 0; y < out_rows_; ++y) {
      row_map_[y] = static_cast<int>(static_cast<int64_t>(y) * height / out_rows_);
    }
    sample_.assign(static_cast<size_t>(out_rows_) * out_cols_ * channels_, 0);
    return Status::Ok();
  }

  // `row` holds `width` pixels of `stride` bytes; the first `channels` bytes of each are used.
  // (Members are copied to locals: stores through uint8_t* may alias them.)
  void AddRow(const uint8_t* row, int stride) {
    if (y_ >= height_) return;
    const int width = width_, channels = channels_, out_cols = out_cols_;
    if (channels == 3 && gray_) {
      bool gray = true;
      for (int x = 0; x < width && gray; ++x) {
        const uint8_t* p = row + static_cast<size_t>(x) * stride;
        gray = p[0] == p[1] && p[0] == p[2];
      }
      gray_ = gray;
    }
    const int* col_map = col_map_.data();
    while (next_out_row_ < out_rows_ && row_map_[next_out_row_] == y_) {
      uint8_t* out = &sample_[static_cast<size_t>(next_out_row_) * out_cols * channels];
      if (channels == 3) {
        for (int x = 0; x < out_cols; ++x) {
          const uint8_t* p = row + static_cast<size_t>(col_map[x]) * stride;
          const uint8_t r = p[0], g = p[1], b = p[2];
          out[3 * x] = r;
          out[3 * x + 1] = g;
          out[3 * x + 2] = b;
        }
      } else {
        for (int x = 0; x < out_cols; ++x) out[x] = row[static_cast<size_t>(col_map[x]) * stride];
      }
      ++next_out_row_;
    }
    ++y_;
  }

  int rows_seen() const { return y_; }

  LumaImage Finish(ImageFormat format) {
    LumaImage image;
    image.rows = out_rows_;
    image.cols = out_cols_;
    image.source_width = width_;
    image.source_height = height_;
    image.format = format;
    const size_t n = static_cast<size_t>(out_rows_) * out_cols_;
    image.luma.resize(n);
    if (channels_ == 1 || gray_) {
      for (size_t i = 0; i < n; ++i) image.luma[i] = static_cast<float>(sample_[i * channels_]);
    } else {
      const float kr = 0.299f, kg = 0.587f, kb = 0.114f;
      for (size_t i = 0; i < n; ++i) {
        const uint8_t* p = &sample_[i * 3];
        const float r = kr * static_cast<float>(p[0]);
        const float g = kg * static_cast<float>(p[1]);
        const float b = kb * static_cast<float>(p[2]);
        image.luma[i] = (r + g) + b;
      }
    }
    return image;
  }

 private:
  int width_ = 0, height_ = 0, channels_ = 1;
  int out_rows_ = 0, out_cols_ = 0;
  std::vector<int> col_map_, row_map_;
  std::vector<uint8_t> sample_;
  int next_out_row_ = 0;
  int y_ = 0;
  bool gray_ = true;
};

// The functions that call setjmp build no C++ objects themselves (strings, Statuses): such
// work happens in these out-of-line helpers, so a longjmp never skips a destructor.
[[gnu::noinline]] bool StartSampler(Sampler* sampler, Status* status, uint64_t width,
                                    uint64_t height, int channels, const DecodeOptions& options) {
  if (width > (1u << 30) || height > (1u << 30)) {
    *status = Status::ResourceExhausted("image claims " + std::to_string(width) + "x" +
                                        std::to_string(height) + " pixels");
    return false;
  }
  *status = sampler->Start(static_cast<int>(width), static_cast<int>(height), channels, options);
  return status->ok();
}

[[gnu::noinline]] void SetError(Status* status, StatusCode code, const char* what, uint64_t n,
                                const char* rest) {
  *status = Status(code, what + std::to_string(n) + rest);
}

// ---------------------------------------------------------------- JPEG

struct JpegError {
  jpeg_error_mgr mgr;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  int max_scans;
};

void JpegErrorExit(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  longjmp(err->jump, 1);
}

void JpegEmitMessage(j_common_ptr cinfo, int level) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  if (level < 0) {
    // A truncated file is an error here (libjpeg would pad it with grey and carry on).
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) {
      (*cinfo->err->format_message)(cinfo, err->message);
      longjmp(err->jump, 1);
    }
    cinfo->err->num_warnings++;
  }
}

void JpegProgress(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  if (cinfo->is_decompressor) {
    auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
    if (d->input_scan_number > err->max_scans) {
      std::snprintf(err->message, sizeof(err->message),
                    "JPEG has more than %d scans (scan bomb?)", err->max_scans);
      longjmp(err->jump, 1);
    }
  }
}

struct JpegState {
  jpeg_decompress_struct cinfo;
  JpegError err;
  jpeg_progress_mgr progress;
  std::vector<uint8_t> row;
  std::vector<uint8_t> rgb;
  Sampler sampler;
  Status status;
};

// Returns false after a libjpeg error (message in state->err.message) or a failed check
// (state->status).
bool DecodeJpegInto(std::string_view bytes, const DecodeOptions& options, JpegState* s) {
  if (setjmp(s->err.jump)) return false;
  jpeg_create_decompress(&s->cinfo);
  s->cinfo.progress = &s->progress;
  s->cinfo.mem->max_memory_to_use = 1L << 30;
  jpeg_mem_src(&s->cinfo, reinterpret_cast<const unsigned char*>(bytes.data()),
               static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&s->cinfo, TRUE);
  const int components = s->cinfo.num_components;
  int channels = 3;
  bool cmyk = false;
  if (components == 1) {
    s->cinfo.out_color_space = JCS_GRAYSCALE;
    channels = 1;
  } else if (components == 3) {
    s->cinfo.out_color_space = JCS_RGB;
  } else if (components == 4) {
    s->cinfo.out_color_space = JCS_CMYK;
    cmyk = true;
  } else {
    SetError(&s->status, StatusCode::kInvalidArgument, "JPEG with ", components,
             " components is not supported (expected 1, 3 or 4)");
    return false;
  }
  s->cinfo.dct_method = JDCT_ISLOW;
  if (!StartSampler(&s->sampler, &s->status, s->cinfo.image_width, s->cinfo.image_height,
                    channels, options)) {
    return false;
  }
  jpeg_start_decompress(&s->cinfo);
  const size_t width = s->cinfo.output_width;
  s->row.resize(width * s->cinfo.output_components);
  if (cmyk) s->rgb.resize(width * 3);
  const bool inverted = s->cinfo.saw_Adobe_marker;
  while (s->cinfo.output_scanline < s->cinfo.output_height) {
    JSAMPROW rows[1] = {s->row.data()};
    if (jpeg_read_scanlines(&s->cinfo, rows, 1) != 1) {
      std::snprintf(s->err.message, sizeof(s->err.message), "JPEG data ends early");
      return false;
    }
    if (cmyk) {
      for (size_t x = 0; x < width; ++x) {
        const uint8_t* p = &s->row[x * 4];
        int k = inverted ? p[3] : 255 - p[3];
        for (int c = 0; c < 3; ++c) {
          int v = inverted ? p[c] : 255 - p[c];
          s->rgb[x * 3 + c] = static_cast<uint8_t>((v * k + 127) / 255);
        }
      }
      s->sampler.AddRow(s->rgb.data(), 3);
    } else {
      s->sampler.AddRow(s->row.data(), channels);
    }
  }
  jpeg_finish_decompress(&s->cinfo);
  return true;
}

StatusOr<LumaImage> DecodeJpeg(std::string_view bytes, const DecodeOptions& options) {
  auto state = std::make_unique<JpegState>();
  JpegState* s = state.get();
  s->cinfo.err = jpeg_std_error(&s->err.mgr);
  s->err.mgr.error_exit = JpegErrorExit;
  s->err.mgr.emit_message = JpegEmitMessage;
  s->err.message[0] = '\0';
  s->err.max_scans = options.max_jpeg_scans;
  s->progress.progress_monitor = JpegProgress;
  const bool ok = DecodeJpegInto(bytes, options, s);
  const int rows_seen = s->sampler.rows_seen();
  jpeg_destroy_decompress(&s->cinfo);
  if (!ok) {
    if (!s->status.ok()) return s->status;
    return Status::DataLoss("corrupt or truncated JPEG (after " + std::to_string(rows_seen) +
                            " rows): " + s->err.message);
  }
  return s->sampler.Finish(ImageFormat::kJpeg);
}

// ---------------------------------------------------------------- PNG

struct PngState {
  png_structp png = nullptr;
  png_infop info = nullptr;
  std::string_view bytes;
  size_t offset = 0;
  char message[256] = {};
  std::vector<uint8_t> row;
  std::vector<uint8_t> image;  // interlaced images only
  std::vector<png_bytep> rows;
  Sampler sampler;
  Status status;
};

void PngError(png_structp png, png_const_charp message) {
  auto* s = static_cast<PngState*>(png_get_error_ptr(png));
  std::snprintf(s->message, sizeof(s->message), "%s", message);
  png_longjmp(png, 1);
}

void PngWarning(png_structp, png_const_charp) {}

void PngRead(png_structp png, png_bytep data, size_t length) {
  auto* s = static_cast<PngState*>(png_get_io_ptr(png));
  if (s->bytes.size() - s->offset < length) {
    png_error(png, "file ends early (truncated)");
  }
  std::memcpy(data, s->bytes.data() + s->offset, length);
  s->offset += length;
}

bool DecodePngInto(const DecodeOptions& options, PngState* s) {
  if (setjmp(png_jmpbuf(s->png))) return false;
  png_set_read_fn(s->png, s, PngRead);
  png_set_user_limits(s->png, 1u << 24, 1u << 24);
  png_set_chunk_malloc_max(s->png, 16u << 20);
  png_read_info(s->png, s->info);
  png_uint_32 width = 0, height = 0;
  int bit_depth = 0, color_type = 0, interlace = 0;
  png_get_IHDR(s->png, s->info, &width, &height, &bit_depth, &color_type, &interlace, nullptr,
               nullptr);
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(s->png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(s->png);
  if (bit_depth == 16) png_set_strip_16(s->png);
  const int passes = png_set_interlace_handling(s->png);
  png_read_update_info(s->png, s->info);
  const int stride = png_get_channels(s->png, s->info);  // 1..4 bytes per pixel now
  const int channels = stride >= 3 ? 3 : 1;
  if (!StartSampler(&s->sampler, &s->status, width, height, channels, options)) return false;
  const size_t row_bytes = png_get_rowbytes(s->png, s->info);
  if (row_bytes != static_cast<size_t>(width) * stride) {
    SetError(&s->status, StatusCode::kInternal, "unexpected PNG row size ", row_bytes,
             " after transforms");
    return false;
  }
  if (passes == 1) {
    s->row.resize(row_bytes);
    for (png_uint_32 y = 0; y < height; ++y) {
      png_read_row(s->png, s->row.data(), nullptr);
      s->sampler.AddRow(s->row.data(), stride);
    }
  } else {
    const uint64_t total = static_cast<uint64_t>(row_bytes) * height;
    if (total > options.max_buffered_bytes) {
      SetError(&s->status, StatusCode::kResourceExhausted, "interlaced PNG needs ", total,
               " bytes to decode, over the limit (DecodeOptions::max_buffered_bytes)");
      return false;
    }
    s->image.resize(total);
    s->rows.resize(height);
    for (png_uint_32 y = 0; y < height; ++y) s->rows[y] = &s->image[y * row_bytes];
    png_read_image(s->png, s->rows.data());
    for (png_uint_32 y = 0; y < height; ++y) s->sampler.AddRow(s->rows[y], stride);
  }
  png_read_end(s->png, nullptr);
  return true;
}

StatusOr<LumaImage> DecodePng(std::string_view bytes, const DecodeOptions& options) {
  auto state = std::make_unique<PngState>();
  PngState* s = state.get();
  s->bytes = bytes;
  s->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, s, PngError, PngWarning);
  if (s->png == nullptr) return Status::Internal("libpng: cannot create read struct");
  s->info = png_create_info_struct(s->png);
  if (s->info == nullptr) {
    png_destroy_read_struct(&s->png, nullptr, nullptr);
    return Status::Internal("libpng: cannot create info struct");
  }
  const bool ok = DecodePngInto(options, s);
  const int rows_seen = s->sampler.rows_seen();
  png_destroy_read_struct(&s->png, &s->info, nullptr);
  if (!ok) {
    if (!s->status.ok()) return s->status;
    return Status::DataLoss("corrupt or truncated PNG (at byte " + std::to_string(s->offset) +
                            ", after " + std::to_string(rows_seen) + " rows): " + s->message);
  }
  return s->sampler.Finish(ImageFormat::kPng);
}

// ---------------------------------------------------------------- WebP

StatusOr<LumaImage> DecodeWebp(std::string_view bytes, const DecodeOptions& options) {
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  WebPBitstreamFeatures features;
  const VP8StatusCode code = WebPGetFeatures(data, bytes.size(), &features);
  if (code != VP8_STATUS_OK) {
    return Status::DataLoss("corrupt or truncated WebP header (libwebp status " +
                            std::to_string(static_cast<int>(code)) + ")");
  }
  if (features.has_animation) {
    return Status::InvalidArgument("animated WebP is not supported (expected a still image)");
  }
  Sampler sampler;
  TADAMUN_RETURN_IF_ERROR(sampler.Start(features.width, features.height, 3, options));
  const uint64_t stride = static_cast<uint64_t>(features.width) * 3;
  const uint64_t total = stride * static_cast<uint64_t>(features.height);
  if (total > options.max_buffered_bytes) {
    return Status::ResourceExhausted("WebP needs " + std::to_string(total) +
                                     " bytes to decode, over the limit of " +
                                     std::to_string(options.max_buffered_bytes));
  }
  std::vector<uint8_t> rgb(total);
  if (WebPDecodeRGBInto(data, bytes.size(), rgb.data(), rgb.size(), static_cast<int>(stride)) ==
      nullptr) {
    return Status::DataLoss("corrupt or truncated WebP data");
  }
  for (int y = 0; y < features.height; ++y) sampler.AddRow(&rgb[y * stride], 3);
  return sampler.Finish(ImageFormat::kWebp);
}

}  // namespace

std::string_view ImageFormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg: return "JPEG";
    case ImageFormat::kPng: return "PNG";
    case ImageFormat::kGif: return "GIF";
    case ImageFormat::kWebp: return "WebP";
    case ImageFormat::kBmp: return "BMP";
    case ImageFormat::kTiff: return "TIFF";
    case ImageFormat::kUnknown: break;
  }
  return "unknown";
}

ImageFormat SniffFormat(std::string_view b) {
  auto starts = [&](std::string_view magic) { return b.substr(0, magic.size()) == magic; };
  if (starts("\xFF\xD8\xFF")) return ImageFormat::kJpeg;
  if (starts("\x89PNG\r\n\x1A\n")) return ImageFormat::kPng;
  if (starts("GIF87a") || starts("GIF89a")) return ImageFormat::kGif;
  if (b.size() >= 12 && starts("RIFF") && b.substr(8, 4) == "WEBP") return ImageFormat::kWebp;
  if (starts("BM")) return ImageFormat::kBmp;
  if (starts(std::string_view("II*\0", 4)) || starts(std::string_view("MM\0*", 4))) {
    return ImageFormat::kTiff;
  }
  return ImageFormat::kUnknown;
}

StatusOr<LumaImage> DecodeToLuma(std::string_view bytes, const DecodeOptions& options) {
  if (bytes.empty()) {
    return Status::InvalidArgument("empty file (0 bytes); expected JPEG, PNG or WebP");
  }
  const ImageFormat format = SniffFormat(bytes);
  switch (format) {
    case ImageFormat::kJpeg: return DecodeJpeg(bytes, options);
    case ImageFormat::kPng: return DecodePng(bytes, options);
    case ImageFormat::kWebp: return DecodeWebp(bytes, options);
    case ImageFormat::kUnknown:
      return Status::InvalidArgument(
          "not a recognised image (no JPEG, PNG or WebP signature in the first bytes); "
          "supported formats: JPEG, PNG, WebP");
    default:
      return Status::InvalidArgument(std::string(ImageFormatName(format)) +
                                     " images are not supported; supported formats: JPEG, PNG, WebP");
  }
}

}  // namespace tadamun::media
