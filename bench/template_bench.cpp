// Cost of payload templates: compiling a realistic embed payload (done once per
// task change) and rendering it with three placeholders (done once per send).
// Each render reuses one output buffer, the way a sender would, and a checksum of
// the output is printed so the work cannot be optimised away. The machines this
// runs on are shared and noisy: compare figures from one run.
// Usage: template_bench [renders] [compiles]

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/payload_template.hpp"

namespace {

// An embed as users write them: a title with the task's name, a field with
// Discord's local-time markup, and the fire instant as the embed's timestamp.
constexpr const char* payload =
    R"({"username":"Scheduler","content":"Scheduled report is ready.","embeds":[{)"
    R"("title":"{{task.name}}","description":"The nightly export finished and the files )"
    R"(are in the shared folder. Reply in the thread if anything looks wrong.",)"
    R"("color":5814783,"timestamp":"{{scheduledFor}}","fields":[)"
    R"({"name":"When","value":"<t:{{scheduledFor.unix}}:F>","inline":true},)"
    R"({"name":"Owner","value":"Data team","inline":true}],)"
    R"("footer":{"text":"taskhook"}}]})";

double elapsed_ns(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - since)
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  const long renders = argc > 1 ? std::atol(argv[1]) : 2'000'000;
  const long compiles = argc > 2 ? std::atol(argv[2]) : 20'000;
  using clock = std::chrono::steady_clock;
  std::uint64_t checksum = 0;

  auto began = clock::now();
  for (long i = 0; i < compiles; ++i) {
    auto r = taskhook::compile_payload_template(payload);
    if (!r.errors.empty()) {
      std::fprintf(stderr, "%s: %s\n", r.errors[0].field.c_str(), r.errors[0].message.c_str());
      return 1;
    }
    checksum += r.compiled.literal_bytes();
  }
  const double compile_ns = elapsed_ns(began) / static_cast<double>(compiles);

  const auto compiled = taskhook::compile_payload_template(payload).compiled;
  taskhook::template_values values;
  values.scheduled_for = *taskhook::parse_iso8601("2026-11-23T10:00:00.000Z");
  values.task_name = "Nightly \"export\" report";
  values.task_id = *taskhook::uuid::parse("5b0c6f1e-8a2d-4c3b-9e7f-0123456789ab");
  std::string out;
  began = clock::now();
  for (long i = 0; i < renders; ++i) {
    out.clear();
    values.scheduled_for += std::chrono::seconds(1);  // a different instant each send
    taskhook::render(compiled, values, out);
    checksum = checksum * 31 + static_cast<unsigned char>(out[out.size() / 2]) + out.size();
  }
  const double render_ns = elapsed_ns(began) / static_cast<double>(renders);

  std::printf("payload %zu bytes, %zu templated strings, output %zu bytes\n",
              std::char_traits<char>::length(payload), compiled.bounds().size(), out.size());
  std::printf("compile %10.0f ns   (%ld compiles)\n", compile_ns, compiles);
  std::printf("render  %10.1f ns   (%ld renders)\n", render_ns, renders);
  std::printf("checksum %llu\n", static_cast<unsigned long long>(checksum));
}
