extension Duration {
    /// `10s`, `1.5s`.
    var secondsText: String {
        let (s, atto) = components
        if atto == 0 { return "\(s)s" }
        return "\(Double(s) + Double(atto) / 1e18)s"
    }
}
