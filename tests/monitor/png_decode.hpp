// A minimal PNG reader for screenshot tests: 8-bit RGB or RGBA, not interlaced (what Chromium's
// --screenshot writes), decoded with zlib into RGB pixels.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace organism::test {

struct Image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgb;  // row-major, 3 bytes a pixel
  std::uint32_t pixel(int x, int y) const {
    const auto* p = &rgb[(static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                          static_cast<std::size_t>(x)) *
                         3];
    return (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
  }
};

// Throws std::runtime_error for anything else than the format above.
Image read_png(const std::filesystem::path& path);

// Share of the pixels in the rectangle that differ from its most common colour: about 0 for a
// blank region, clearly above 0 for a drawn chart. The rectangle is clipped to the image.
double ink_share(const Image& image, int x, int y, int w, int h);

}  // namespace organism::test
