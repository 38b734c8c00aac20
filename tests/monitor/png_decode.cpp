#include "monitor/png_decode.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>

namespace organism::test {
namespace {

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}

std::uint8_t paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return static_cast<std::uint8_t>(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

}  // namespace

Image read_png(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<std::uint8_t> file((std::istreambuf_iterator<char>(in)),
                                       std::istreambuf_iterator<char>());
  if (file.size() < 8 || file[1] != 'P' || file[2] != 'N' || file[3] != 'G')
    throw std::runtime_error("not a PNG: " + path.string());
  Image img;
  int channels = 0;
  std::vector<std::uint8_t> idat;
  for (std::size_t at = 8; at + 8 <= file.size();) {
    const std::uint32_t len = be32(&file[at]);
    const std::string type(file.begin() + static_cast<std::ptrdiff_t>(at + 4),
                           file.begin() + static_cast<std::ptrdiff_t>(at + 8));
    const std::uint8_t* data = &file[at + 8];
    if (type == "IHDR") {
      img.width = static_cast<int>(be32(data));
      img.height = static_cast<int>(be32(data + 4));
      if (data[8] != 8 || (data[9] != 2 && data[9] != 6) || data[12] != 0)
        throw std::runtime_error("unsupported PNG layout");
      channels = data[9] == 6 ? 4 : 3;
    } else if (type == "IDAT") {
      idat.insert(idat.end(), data, data + len);
    }
    at += 12 + len;
  }
  const std::size_t stride =
      static_cast<std::size_t>(img.width) * static_cast<std::size_t>(channels);
  std::vector<std::uint8_t> raw((stride + 1) * static_cast<std::size_t>(img.height));
  uLongf raw_len = raw.size();
  if (channels == 0 || uncompress(raw.data(), &raw_len, idat.data(), idat.size()) != Z_OK ||
      raw_len != raw.size()) {
    throw std::runtime_error("corrupt PNG: " + path.string());
  }
  std::vector<std::uint8_t> prev(stride, 0), row(stride);
  img.rgb.reserve(static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height) * 3);
  for (int y = 0; y < img.height; ++y) {
    const std::uint8_t* line = &raw[static_cast<std::size_t>(y) * (stride + 1)];
    const std::uint8_t filter = line[0];
    for (std::size_t i = 0; i < stride; ++i) {
      const int a =
          i >= static_cast<std::size_t>(channels) ? row[i - static_cast<std::size_t>(channels)] : 0;
      const int b = prev[i];
      const int c = i >= static_cast<std::size_t>(channels)
                        ? prev[i - static_cast<std::size_t>(channels)]
                        : 0;
      const int x = line[1 + i];
      const int pred = filter == 0   ? 0
                       : filter == 1 ? a
                       : filter == 2 ? b
                       : filter == 3 ? (a + b) / 2
                                     : paeth(a, b, c);
      row[i] = static_cast<std::uint8_t>(x + pred);
    }
    for (int px = 0; px < img.width; ++px) {
      for (int k = 0; k < 3; ++k)
        img.rgb.push_back(row[static_cast<std::size_t>(px * channels + k)]);
    }
    std::swap(prev, row);
  }
  return img;
}

double ink_share(const Image& image, int x, int y, int w, int h) {
  const int x0 = std::clamp(x, 0, image.width), x1 = std::clamp(x + w, 0, image.width);
  const int y0 = std::clamp(y, 0, image.height), y1 = std::clamp(y + h, 0, image.height);
  std::map<std::uint32_t, std::size_t> colours;
  std::size_t total = 0;
  for (int py = y0; py < y1; ++py) {
    for (int px = x0; px < x1; ++px, ++total) ++colours[image.pixel(px, py)];
  }
  if (total == 0) return 0;
  std::size_t most = 0;
  for (const auto& [c, n] : colours) most = std::max(most, n);
  return 1.0 - static_cast<double>(most) / static_cast<double>(total);
}

}  // namespace organism::test
