// A throwaway PostgreSQL cluster for tests (Debian postgresql-15 with postgresql-15-postgis-3,
// installed by scripts/deps): initdb in a temp folder (as the postgres user with runuser
// when the tests run as root, since PostgreSQL refuses to run as root), started by pg_ctl on
// a free port on 127.0.0.1 with its socket in that folder, trust authentication, stopped and
// removed by the destructor. A real server: no mocks.
#pragma once

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace gv::test {

class PgCluster {
 public:
  // Throws (with the server's log) when the cluster cannot be made or started.
  PgCluster() {
    bin_ = FindBin();
    std::string pattern = (std::filesystem::temp_directory_path() / "geoverify-pg-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    as_ = "";
    if (::geteuid() == 0) {
      const passwd* pw = ::getpwnam("postgres");
      if (pw == nullptr)
        throw std::runtime_error("no postgres user (scripts/deps installs postgresql-15)");
      if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
        throw std::runtime_error("cannot chown " + dir_.string());
      as_ = "runuser -u postgres -- ";
    }
    port_ = FreePort();
    const std::string data = (dir_ / "data").string(), log = (dir_ / "log").string();
    Run(as_ + bin_ + "/initdb -A trust -U geoverify -E UTF8 --no-sync -D '" + data +
            "' > /dev/null 2>&1",
        "initdb");
    Run(as_ + bin_ + "/pg_ctl -D '" + data + "' -l '" + log + "' -w -t 60 -o \"-p " +
            std::to_string(port_) + " -k '" + dir_.string() +
            "' -c listen_addresses=127.0.0.1 -c fsync=off\" start > /dev/null 2>&1",
        "pg_ctl start");
    started_ = true;
  }
  ~PgCluster() {
    if (started_)
      (void)std::system((as_ + bin_ + "/pg_ctl -D '" + (dir_ / "data").string() +
                         "' -m immediate -w stop > /dev/null 2>&1")
                            .c_str());
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  int port() const { return port_; }
  // A libpq connection string for `user` (the superuser is "geoverify") and `database`.
  std::string Conninfo(const std::string& user, const std::string& database) const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=" + database +
           " user=" + user + " connect_timeout=10";
  }

 private:
  static std::string FindBin() {
    for (int v = 17; v >= 13; --v) {
      const std::string bin = "/usr/lib/postgresql/" + std::to_string(v) + "/bin";
      if (std::filesystem::exists(bin + "/initdb")) return bin;
    }
    throw std::runtime_error("PostgreSQL's initdb not found (scripts/deps installs postgresql-15)");
  }
  static int FreePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      if (fd >= 0) ::close(fd);
      throw std::runtime_error("no free port");
    }
    const int port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
  }
  void Run(const std::string& command, const char* what) {
    if (std::system(command.c_str()) != 0) {
      std::ifstream log(dir_ / "log");
      const std::string text((std::istreambuf_iterator<char>(log)), {});
      throw std::runtime_error(std::string(what) + " failed: " + command + "\n" + text);
    }
  }
  std::string bin_, as_;
  std::filesystem::path dir_;
  int port_ = 0;
  bool started_ = false;
};

}  // namespace gv::test
