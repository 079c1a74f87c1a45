#pragma once
/// Waits on PostgreSQL LISTEN channels on a connection and a thread of its own
/// and calls back for each notification. After the connection drops it
/// reconnects, listens again and calls back for every channel, because
/// notifications sent meanwhile are gone: whoever follows a channel then
/// re-reads what it may have missed (ARCHITECTURE.md, Cluster).

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace taskhook::db {

class notification_listener {
 public:
  /// Called on the listener's thread with the channel's name. Notifications
  /// that arrive together are passed once per channel.
  using callback = std::function<void(const std::string& channel)>;

  notification_listener(std::string conninfo, std::vector<std::string> channels,
                        callback on_notify);
  ~notification_listener();
  notification_listener(const notification_listener&) = delete;
  notification_listener& operator=(const notification_listener&) = delete;

  /// Starts the thread; the first connection counts as a reconnect (every
  /// channel is called back once, so a follower starts from a full read).
  void start();
  /// Stops and joins the thread (within about 200 ms).
  void stop();

 private:
  void run();

  std::string conninfo_;
  std::vector<std::string> channels_;
  callback on_notify_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace taskhook::db
