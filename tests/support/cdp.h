// A page driven as a user drives it: headless Chromium controlled over the DevTools protocol
// through --remote-debugging-pipe (JSON messages ended by NUL on file descriptors 3 and 4),
// so that a test clicks and types with real input events. Network refused as in the report
// test (no resolver, a dead proxy). Tests only.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace gv::test {

class Browser {
 public:
  using Json = nlohmann::json;

  // Starts Chromium with a fresh profile in `scratch`; throws when it cannot start.
  explicit Browser(const std::filesystem::path& scratch, int width = 1280, int height = 1000) {
    int to_browser[2], from_browser[2];
    if (::pipe(to_browser) != 0 || ::pipe(from_browser) != 0) throw std::runtime_error("pipe");
    const std::string profile = "--user-data-dir=" + (scratch / "profile").string();
    const std::string size =
        "--window-size=" + std::to_string(width) + "," + std::to_string(height);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork");
    if (pid_ == 0) {
      // fd 3: what the browser reads; fd 4: what it writes. Move the ends above 4 first.
      const int in = ::fcntl(to_browser[0], F_DUPFD, 10),
                out = ::fcntl(from_browser[1], F_DUPFD, 10);
      ::dup2(in, 3);
      ::dup2(out, 4);
      const int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 1);
      ::dup2(devnull, 2);
      for (int fd = 5; fd < 256; ++fd) ::close(fd);
      const char* argv[] = {"chromium",
                            "--headless",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--no-first-run",
                            "--disable-extensions",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--host-resolver-rules=MAP * ~NOTFOUND",
                            "--proxy-server=127.0.0.1:9",
                            "--remote-debugging-pipe",
                            profile.c_str(),
                            size.c_str(),
                            "about:blank",
                            nullptr};
      ::execvp("chromium", const_cast<char**>(argv));
      ::_exit(127);
    }
    ::close(to_browser[0]);
    ::close(from_browser[1]);
    out_ = to_browser[1];
    in_ = from_browser[0];
  }
  ~Browser() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
    ::close(in_);
  }
  Browser(const Browser&) = delete;
  Browser& operator=(const Browser&) = delete;

  // Sends a command and waits for its answer; the events that arrive meanwhile are kept.
  // Throws on a protocol error or after `timeout_ms`.
  Json Call(const std::string& method, const Json& params = Json::object(),
            const std::string& session = "", int timeout_ms = 30000) {
    const int id = next_id_++;
    Json message = {{"id", id}, {"method", method}, {"params", params}};
    if (!session.empty()) message["sessionId"] = session;
    const std::string text = message.dump() + '\0';
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t n = ::write(out_, text.data() + done, text.size() - done);
      if (n <= 0) throw std::runtime_error("the browser closed its pipe");
      done += static_cast<std::size_t>(n);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
      auto reply = Read(deadline);
      if (!reply) throw std::runtime_error(method + ": no answer in time");
      if (reply->contains("id") && (*reply)["id"] == id) {
        if (reply->contains("error"))
          throw std::runtime_error(method + ": " + (*reply)["error"].dump());
        return (*reply)["result"];
      }
      events.push_back(std::move(*reply));
    }
  }

  // Opens `url` in a new page and returns its session: a blank page first, its events on,
  // then the address, so that nothing the page does while loading goes unseen.
  std::string Open(const std::string& url) {
    const auto target = Call("Target.createTarget", {{"url", "about:blank"}});
    const auto attached =
        Call("Target.attachToTarget", {{"targetId", target["targetId"]}, {"flatten", true}});
    const std::string session = attached["sessionId"];
    for (const char* domain : {"Runtime.enable", "Log.enable", "Network.enable", "Page.enable"})
      Call(domain, Json::object(), session);
    Call("Page.navigate", {{"url", url}}, session);
    return session;
  }

  // The value of a JavaScript expression in the page.
  Json Eval(const std::string& session, const std::string& expression) {
    const auto r = Call(
        "Runtime.evaluate",
        {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}}, session);
    if (r.contains("exceptionDetails")) throw std::runtime_error(expression + ": " + r.dump());
    return r["result"].value("value", Json());
  }

  // Waits until the expression is true (polling); false after `timeout_ms`.
  bool WaitFor(const std::string& session, const std::string& expression, int timeout_ms = 30000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Eval(session, "Boolean(" + expression + ")") == true) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  // A left click at viewport coordinates, as the mouse makes it.
  void Click(const std::string& session, double x, double y) {
    Call("Input.dispatchMouseEvent", {{"type", "mouseMoved"}, {"x", x}, {"y", y}}, session);
    Call("Input.dispatchMouseEvent",
         {{"type", "mousePressed"},
          {"x", x},
          {"y", y},
          {"button", "left"},
          {"buttons", 1},
          {"clickCount", 1}},
         session);
    Call("Input.dispatchMouseEvent",
         {{"type", "mouseReleased"},
          {"x", x},
          {"y", y},
          {"button", "left"},
          {"buttons", 0},
          {"clickCount", 1}},
         session);
  }

  // Clicks the middle of the element with this id (scrolled into view first), offset by dx, dy.
  void ClickElement(const std::string& session, const std::string& id, double dx = 0,
                    double dy = 0) {
    const auto r = Eval(session, "(function(){var e=document.getElementById('" + id +
                                     "');e.scrollIntoView({block:'center'});var r=e."
                                     "getBoundingClientRect();return [r.left+r.width/2,r.top+r."
                                     "height/2];})()");
    Click(session, r[0].get<double>() + dx, r[1].get<double>() + dy);
  }

  // Types into the element with this id (focused by a click), as the keyboard does.
  void Type(const std::string& session, const std::string& id, const std::string& text) {
    ClickElement(session, id);
    Call("Input.insertText", {{"text", text}}, session);
  }

  void Key(const std::string& session, const std::string& key, int code) {
    for (const char* type : {"rawKeyDown", "keyUp"})
      Call("Input.dispatchKeyEvent",
           {{"type", type},
            {"key", key},
            {"code", key},
            {"windowsVirtualKeyCode", code},
            {"nativeVirtualKeyCode", code}},
           session);
    if (key == "Enter") Call("Input.dispatchKeyEvent", {{"type", "char"}, {"text", "\r"}}, session);
  }

  // Key presses that produce text (type-ahead in a list, for instance).
  void TypeKeys(const std::string& session, const std::string& text) {
    for (const char c : text) {
      const std::string s(1, c);
      Call("Input.dispatchKeyEvent",
           {{"type", "keyDown"}, {"key", s}, {"text", s}, {"unmodifiedText", s}}, session);
      Call("Input.dispatchKeyEvent", {{"type", "keyUp"}, {"key", s}}, session);
    }
  }

  // Every protocol event received so far (console messages, exceptions, requests).
  std::vector<Json> events;

 private:
  std::optional<Json> Read(std::chrono::steady_clock::time_point deadline) {
    while (true) {
      if (const auto end = buffer_.find('\0'); end != std::string::npos) {
        Json j = Json::parse(buffer_.substr(0, end), nullptr, false);
        buffer_.erase(0, end + 1);
        return j;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{in_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
      char chunk[65536];
      const ssize_t n = ::read(in_, chunk, sizeof chunk);
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  pid_t pid_ = -1;
  int out_ = -1, in_ = -1;
  int next_id_ = 1;
  std::string buffer_;
};

}  // namespace gv::test
