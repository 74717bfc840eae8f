import Glibc

enum _Errno {
    /// `Connection refused`: the C library's words for an errno value.
    static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}
