// Saves that survive a crash (issue 12, item 5): a process that saves a
// scenario, a CSV and figures over and over (save_repeatedly.cpp, the
// dashboard's and the command line's own code) is killed with SIGKILL at
// random moments; after every kill each file must be whole, the content of
// one save or of the other, never part of one.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>

namespace {

namespace fs = std::filesystem;

const char* const kFiles[] = {"scenario.json", "run.csv", "figure.png", "figure.svg", "figure.pdf"};

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Whether a PDF is whole: its cross-reference table, found from the
/// startxref at its very end, points at each of its objects.
bool whole_pdf(const std::string& pdf) {
  if (pdf.rfind("%PDF-", 0) != 0) return false;
  const std::string tail = "%%EOF\n";
  if (pdf.size() < tail.size() || pdf.compare(pdf.size() - tail.size(), tail.size(), tail) != 0) return false;
  const std::size_t at = pdf.rfind("startxref\n");
  if (at == std::string::npos) return false;
  const std::size_t xref = std::stoul(pdf.substr(at + 10));
  if (pdf.compare(xref, 5, "xref\n") != 0) return false;
  std::istringstream table(pdf.substr(xref + 5));
  std::size_t first = 0, count = 0;
  if (!(table >> first >> count) || count == 0) return false;
  for (std::size_t k = 0; k < count; ++k) {
    std::size_t offset = 0, generation = 0;
    std::string kind;
    if (!(table >> offset >> generation >> kind)) return false;
    if (kind != "n") continue;
    const std::string object = std::to_string(first + k) + " 0 obj";
    if (pdf.compare(offset, object.size(), object) != 0) return false;
  }
  return true;
}

/// What a file's content is compared by. Qt's PDF writer puts the date in
/// and embeds its font subsets in an order of its own, so that two saves of
/// one figure differ byte for byte: a PDF is compared by its size, once it
/// is whole (a partial one is never equal to a save).
std::string comparable(const std::string& name, const std::string& content) {
  if (name.size() < 4 || name.compare(name.size() - 4, 4, ".pdf") != 0) return content;
  return whole_pdf(content) ? "a whole PDF of " + std::to_string(content.size()) + " bytes"
                            : "a partial PDF of " + std::to_string(content.size()) + " bytes";
}

pid_t start_saving(const fs::path& dir, const char* cycles = nullptr) {
  const pid_t pid = fork();
  if (pid == 0) {
    execl(STORMGLASS_SAVE_REPEATEDLY, STORMGLASS_SAVE_REPEATEDLY, dir.c_str(), cycles, static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("stormglass-kill-" + std::to_string(getpid()) + "-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(SavesUnderKill, EveryFileIsAlwaysOneSavesContentNeverPartOfOne) {
  // The two contents each file can have: after one cycle (the default
  // scenario) and after two (twice its demand).
  const fs::path one = fresh_dir("one"), two = fresh_dir("two"), dir = fresh_dir("killed");
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(wait_for(start_saving(two, "2")), 0);
  const auto two_cycles = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(wait_for(start_saving(one, "1")), 0);
  std::map<std::string, std::string> first, second;
  for (const char* f : kFiles) {
    first[f] = comparable(f, read(one / f));
    second[f] = comparable(f, read(two / f));
    ASSERT_FALSE(first[f].empty()) << f;
    ASSERT_EQ(first[f].find("partial"), std::string::npos) << f;
    ASSERT_NE(first[f], second[f]) << f << ": the two scenarios must save different files";
    fs::copy_file(one / f, dir / f);  // the files a user already has
  }

  // The check can fail: a save cut short is neither content (a PDF cut
  // anywhere is partial, its end or its table missing).
  for (const char* f : kFiles) {
    const std::string whole = read(one / f);
    for (std::size_t cut : {whole.size() / 2, whole.size() - 1}) {
      const std::string part = comparable(f, whole.substr(0, cut));
      EXPECT_TRUE(part != first[f] && part != second[f]) << f << " cut at " << cut;
    }
  }

  // Kills from the program's start to twice the time of two cycles: while it
  // starts, solves, draws and writes. A fixed seed: the same moments each run.
  std::mt19937 random(20261203);
  const long longest_us = 2 * std::chrono::duration_cast<std::chrono::microseconds>(two_cycles).count();
  std::uniform_int_distribution<long> moment_us(0, longest_us);
  constexpr int kKills = 40;
  int mid_write = 0;  // kills that left a half-written temporary file behind (at most one each)
  for (int k = 0; k < kKills; ++k) {
    const pid_t pid = start_saving(dir);
    std::this_thread::sleep_for(std::chrono::microseconds(moment_us(random)));
    kill(pid, SIGKILL);
    const int status = wait_for(pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "kill " << k << ": status " << status;
    for (const char* f : kFiles) {
      const std::string now = comparable(f, read(dir / f));
      EXPECT_TRUE(now == first[f] || now == second[f])
          << "kill " << k << ": " << f << " is neither save's content (" << now.size() << " bytes)";
    }
    // What the killed process was writing is left beside the files (a
    // temporary the next save replaces or, named by its process, removes
    // nothing of the user's): counted, then cleared.
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (std::find(std::begin(kFiles), std::end(kFiles), name) != std::end(kFiles)) continue;
      ++mid_write;
      fs::remove(entry.path());
    }
  }
  std::cout << kKills << " kills, " << mid_write << " temporary files left mid-write, no file partial\n";
  // Some kills must land while a file is written, or the test proves nothing.
  EXPECT_GT(mid_write, 0);
  for (const fs::path& d : {one, two, dir}) fs::remove_all(d);
}

}  // namespace
