/// What a person can do next about a critical finding: commands that confirm it for one flow
/// and that undo the rule, worded for the backend the dump came from. rulewatch prints them
/// and never runs them.
public struct NextSteps: Sendable, Hashable {
    /// Commands that make the kernel show one flow's path through the rules.
    public var confirm: [String]
    /// Where the trace shows up (`xtables-monitor --trace`, `nft monitor trace`).
    public var watch: [String]
    /// Commands that take the confirming trace out again.
    public var undoConfirm: [String]
    /// Commands that check the rule is where the dump said, before removing it; empty when the
    /// removal names the rule exactly (a save's `-D` form, an nft handle).
    public var check: [String]
    /// The command that removes the rule (or resets the policy).
    public var remove: [String]
    /// A sentence on how exact the removal is.
    public var note: String

    public init(confirm: [String], watch: [String], undoConfirm: [String], check: [String], remove: [String],
                note: String) {
        self.confirm = confirm; self.watch = watch; self.undoConfirm = undoConfirm
        self.check = check; self.remove = remove; self.note = note
    }
}
