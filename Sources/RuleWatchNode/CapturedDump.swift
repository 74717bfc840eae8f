/// One tool's dump as it goes into the capture: the command that printed it, the tables it
/// holds, and its bytes (whole, or without tables another dump already holds).
public struct CapturedDump: Sendable {
    public var command: String
    public var tables: [NodeTable]
    public var bytes: [UInt8]

    public init(command: String, tables: [NodeTable], bytes: [UInt8]) {
        self.command = command
        self.tables = tables
        self.bytes = bytes
    }
}
