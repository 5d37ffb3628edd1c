import Foundation
import Testing

@_spi(Fuzzing) @testable import SwitchboardCore

/// Every input in the fuzz corpus (seeds and what `scripts/fuzz --update-corpus` kept) goes
/// through the fuzz entry point on each test run, so a fixed crash stays fixed.
struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/SwitchboardFuzz/corpus").standardized.path

    @Test func corpusReplaysCleanly() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus)
        #expect(files.count >= 10)
        for file in files {
            FrameFuzzing.run(Array(try #require(FileManager.default.contents(atPath: Self.corpus + "/" + file))))
        }
    }

    /// The guard reads frame headers correctly: 7-bit, 16-bit and 64-bit lengths, masked or not.
    @Test func frameHeaderLengths() {
        #expect(FrameLengthGuard.payloadLength([0x81, 0x05]) == 5)
        #expect(FrameLengthGuard.payloadLength([0x81, 0x85, 1, 2, 3]) == nil)
        #expect(FrameLengthGuard.payloadLength([0x81, 0x85, 1, 2, 3, 4]) == 5)
        #expect(FrameLengthGuard.payloadLength([0x81, 0x7E, 0x01, 0x00]) == 256)
        #expect(FrameLengthGuard.payloadLength([0x81, 0x7F, 0, 0, 0, 1, 0, 0, 0, 0]) == 1 << 32)
        // An oversize header is decoded to nothing past the guard.
        #expect(FrameFuzzing.decodedFrames([0x81, 0xFF, 0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4]).isEmpty)
        #expect(FrameFuzzing.decodedFrames([0x81, 0x82, 0, 0, 0, 0, 0x68, 0x69]) == [Array("hi".utf8)])
    }
}
