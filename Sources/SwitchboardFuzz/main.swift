@_spi(Fuzzing) import SwitchboardCore

// Built with `-sanitize=fuzzer -DFUZZING` (scripts/fuzz), libFuzzer supplies `main` and calls
// `LLVMFuzzerTestOneInput`; built normally, this replays files given as arguments.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    FrameFuzzing.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if !FUZZING
    import Foundation

    var replayed = 0
    for path in CommandLine.arguments.dropFirst() {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: path)).map { $0.map { path + "/" + $0 } } ?? [path]
        for file in files.sorted() {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            FrameFuzzing.run(Array(data))
            replayed += 1
        }
    }
    print("replayed \(replayed) inputs without a crash")
#endif
