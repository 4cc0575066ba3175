/// One background thread that works on the newest job only: a newer job
/// cancels the one in progress and replaces any that waits.
#pragma once

#include <QtGlobal>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace sg::ui {

/// What a job knows of its place: its generation, whether it was cancelled,
/// and whether it is still the newest (the only one worth reporting).
struct JobContext {
  quint64 generation;
  const std::atomic<bool>& cancelled;
  const std::atomic<quint64>& newest;
  bool current() const { return generation == newest.load(); }
};

template <typename Job>
class SupersedingWorker {
public:
  /// `work` runs on the worker thread; it should give up (solve() throws
  /// Cancelled) once `cancelled` is raised, and report only while current().
  /// It must reach the worker only through the context: the worker may be
  /// in its destructor, waiting for the job to end.
  using Work = std::function<void(Job& job, const JobContext& context)>;

  explicit SupersedingWorker(Work work) : work_(std::move(work)), thread_([this] { loop(); }) {}

  ~SupersedingWorker() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      cancel_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  SupersedingWorker(const SupersedingWorker&) = delete;
  SupersedingWorker& operator=(const SupersedingWorker&) = delete;

  /// Queues `job` in place of any waiting one, cancels the one in progress,
  /// and returns the job's generation.
  quint64 submit(Job job) {
    quint64 generation;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pending_ = std::move(job);
      generation = ++generation_;
      cancel_ = true;  // the job in progress, if any, is now stale
    }
    wake_.notify_one();
    return generation;
  }

  /// The generation of the newest job.
  quint64 latest() const { return generation_.load(); }

private:
  void loop() {
    for (;;) {
      Job job;
      quint64 generation;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || pending_.has_value(); });
        if (stopping_) return;
        job = std::move(*pending_);
        pending_.reset();
        generation = generation_.load();
        cancel_ = false;
      }
      work_(job, JobContext{generation, cancel_, generation_});
    }
  }

  Work work_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<Job> pending_;
  bool stopping_ = false;
  std::atomic<quint64> generation_{0};
  std::atomic<bool> cancel_{false};
  std::thread thread_;  // last: it starts once everything else exists
};

}  // namespace sg::ui
