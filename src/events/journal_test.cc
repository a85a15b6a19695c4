#include "events/journal.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "core/scoped_temp_dir.h"

namespace berth {
namespace {

std::string Record(std::string_view body) {
  const auto size = static_cast<uint32_t>(body.size());
  std::string out(sizeof size, '\0');
  std::memcpy(out.data(), &size, sizeof size);
  return out.append(body);
}

TEST(JournalTest, TheReadersPositionSurvivesAReopen) {
  ScopedTempDir dir;
  const auto path = dir.path() / "j";
  const std::string a = Record("first"), b = Record("second"), c = Record("third");
  {
    Journal journal(path);
    ASSERT_TRUE(journal.Open());
    ASSERT_TRUE(journal.Append(a + b));
    ASSERT_TRUE(journal.Append(c));
    ASSERT_TRUE(journal.Wait());
    // Only whole records, no more than asked for.
    EXPECT_EQ(journal.Read(a.size() + b.size() + 2), a + b);
    journal.Advance(a.size());
  }
  Journal journal(path);
  ASSERT_TRUE(journal.Open());
  EXPECT_EQ(journal.Read(1 << 20), b + c);
  journal.Advance(b.size() + c.size());
  EXPECT_EQ(journal.Read(1 << 20), "");
  // Everything read: the file starts over rather than growing.
  EXPECT_EQ(std::filesystem::file_size(path), 16u);
  ASSERT_TRUE(journal.Append(a));
  EXPECT_EQ(journal.Read(1 << 20), a);
  journal.Stop();
  EXPECT_FALSE(journal.Wait());
}

TEST(JournalTest, RecordSizesFrameWholeRecordsOnly) {
  const std::string a = Record("abc");
  EXPECT_EQ(RecordSize(a), a.size());
  EXPECT_EQ(RecordSize(a.substr(0, a.size() - 1)), 0u);
  EXPECT_EQ(WholeRecords(a + a + a.substr(0, 5)), 2 * a.size());
  std::string too_long(4, '\xff');
  EXPECT_EQ(RecordSize(too_long + std::string(100, 'x')), 0u);
}

}  // namespace
}  // namespace berth
