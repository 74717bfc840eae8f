import ArgumentParser
extension RuleWatch {
    struct Analyze: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Name the rules that eat traffic.")
        func run() throws {}
    }
}
