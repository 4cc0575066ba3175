/// A run's per-step array (one value per solver step, or per step and
/// population), on memory the thread keeps between runs: a slider or a map
/// solves the same shape again and again, and fresh pages cost more than
/// the arithmetic of a short run. The contents are not cleared: a solver
/// writes every entry of a step before it reads it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace sg::fluid {

template <class T>
class StepArray {
public:
  StepArray() = default;
  explicit StepArray(std::size_t n) {
    auto& pool = spare();
    // The smallest spare array that is large enough, else a new one.
    auto best = pool.end();
    for (auto it = pool.begin(); it != pool.end(); ++it)
      if (it->first >= n && (best == pool.end() || it->first < best->first)) best = it;
    if (best != pool.end()) {
      size_ = best->first;
      data_ = std::move(best->second);
      pool.erase(best);
    } else {
      size_ = n;
      data_.reset(new T[std::max<std::size_t>(n, 1)]);
    }
  }
  StepArray(StepArray&& o) noexcept : data_(std::move(o.data_)), size_(std::exchange(o.size_, 0)) {}
  StepArray& operator=(StepArray&& o) noexcept {
    if (this != &o) {
      give_back();
      data_ = std::move(o.data_);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  StepArray(const StepArray&) = delete;
  StepArray& operator=(const StepArray&) = delete;
  ~StepArray() { give_back(); }

  T* get() const { return data_.get(); }
  T& operator[](std::size_t i) const { return data_[i]; }

private:
  /// What a thread keeps at most, in bytes: a few runs of an hour-long
  /// graph; anything larger is freed.
  static constexpr std::size_t kKeptBytes = std::size_t{96} << 20;

  void give_back() {
    if (!data_) return;
    auto& pool = spare();
    pool.emplace_back(size_, std::move(data_));
    size_ = 0;
    std::size_t kept = 0;
    for (const auto& [n, d] : pool) kept += n * sizeof(T);
    // Over the bound: the largest go first.
    while (kept > kKeptBytes && !pool.empty()) {
      auto largest = std::max_element(pool.begin(), pool.end(),
                                      [](const auto& a, const auto& b) { return a.first < b.first; });
      kept -= largest->first * sizeof(T);
      pool.erase(largest);
    }
  }

  static std::vector<std::pair<std::size_t, std::unique_ptr<T[]>>>& spare() {
    thread_local std::vector<std::pair<std::size_t, std::unique_ptr<T[]>>> pool;
    return pool;
  }

  std::unique_ptr<T[]> data_;
  std::size_t size_ = 0;
};

}  // namespace sg::fluid
