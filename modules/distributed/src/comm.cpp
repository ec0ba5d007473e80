#include "tweed/dist/comm.hpp"

#include <chrono>
#include <cstdlib>
#include <thread>

#include "mpi/mpi_abi.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/plugin.hpp"

namespace tweed::dist {
namespace {

const TweedMpiApi& api() {
  static const TweedMpiApi* table = [] {
    using Entry = const TweedMpiApi* (*)(int);
    auto entry = reinterpret_cast<Entry>(plugin_symbol("tweed_dist_mpi", "tweed_dist_mpi_api"));
    const TweedMpiApi* t = entry(1);
    if (t == nullptr) throw Unsupported("libtweed_dist_mpi.so", "plugin of another version");
    return t;
  }();
  return *table;
}

struct ErrorText {
  char text[512] = {0};
};

void check(int rc, const ErrorText& e) {
  if (rc != 0) throw Error("MPI", e.text);
}

}  // namespace

Comm::Comm() {
  ErrorText e;
  check(api().init(&rank_, &size_, e.text, sizeof e.text), e);
}

Comm& Comm::world() {
  static Comm comm;
  return comm;
}

void Comm::send(int dest, int tag, const std::string& message) {
  ErrorText e;
  check(api().send(dest, tag, message.data(), static_cast<long>(message.size()), e.text,
                   sizeof e.text),
        e);
}

std::optional<Comm::Probe> Comm::iprobe() {
  ErrorText e;
  int found = 0;
  Probe p{};
  check(api().iprobe(&found, &p.source, &p.tag, &p.size, e.text, sizeof e.text), e);
  if (!found) return std::nullopt;
  return p;
}

std::string Comm::recv(const Probe& p) {
  ErrorText e;
  std::string message(static_cast<std::size_t>(p.size), '\0');
  check(api().recv(p.source, p.tag, message.data(), p.size, e.text, sizeof e.text), e);
  return message;
}

std::string Comm::recv_any(int& source, int& tag, int poll_ms) {
  for (;;) {
    if (const std::optional<Probe> p = iprobe()) {
      source = p->source;
      tag = p->tag;
      return recv(*p);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
  }
}

void Comm::finalize() {
  if (finalized_) return;
  finalized_ = true;
  ErrorText e;
  check(api().finalize(e.text, sizeof e.text), e);
}

void Comm::abort(int code) {
  api().abort(code);
  std::_Exit(code);
}

}  // namespace tweed::dist
