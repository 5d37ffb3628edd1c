extension String {
    /// The text without leading and trailing spaces and tabs, on UTF-8 bytes: what JSON and
    /// ASCII keys need, without the cost of Foundation's Unicode-aware `trimmingCharacters(in:)`.
    public var trimmingBlanks: Substring {
        let utf8 = self.utf8
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end, utf8[start] == 0x20 || utf8[start] == 0x09 { start = utf8.index(after: start) }
        while start < end {
            let last = utf8.index(before: end)
            guard utf8[last] == 0x20 || utf8[last] == 0x09 else { break }
            end = last
        }
        return self[start..<end]
    }
}
