#ifndef Q50SIM_CORE_OVERLOADED_H_
#define Q50SIM_CORE_OVERLOADED_H_

// std::visit over a variant with one lambda per alternative:
//   std::visit(Overloaded{[](const A&) {...}, [](const B&) {...}}, v);

namespace q50 {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace q50

#endif  // Q50SIM_CORE_OVERLOADED_H_
