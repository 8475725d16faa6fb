#ifndef Q50SIM_CORE_HTML_ESCAPE_H_
#define Q50SIM_CORE_HTML_ESCAPE_H_

// Text as it may stand in HTML or SVG content and in quoted attributes: & < > " ' replaced by
// their entities. Shared by the run and sweep reports (io/) and the live status page (live/).

#include <string>
#include <string_view>

namespace q50 {

std::string html_escape(std::string_view text);

}  // namespace q50

#endif  // Q50SIM_CORE_HTML_ESCAPE_H_
