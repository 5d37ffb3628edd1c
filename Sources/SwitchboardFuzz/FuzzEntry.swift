import Foundation
@_spi(Fuzzing) import SwitchboardCore

// Built with `-sanitize=fuzzer -DFUZZING` (scripts/fuzz), libFuzzer supplies `main` and calls
// `LLVMFuzzerTestOneInput`; built normally, `Replay` runs the files given as arguments.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    FrameFuzzing.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if FUZZING
    /// SwiftPM links an executable's entry as `SwitchboardFuzz_main`; under the fuzzer it hands
    /// control to libFuzzer's driver.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
    ) -> Int32

    @_cdecl("SwitchboardFuzz_main")
    func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        var count = argc
        var arguments = argv
        return runFuzzerDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
    }
#else
    /// `switchboard-fuzz <file or dir>…`: runs each input once (a crash reproduces here).
    @main
    struct Replay {
        static func main() {
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
        }
    }
#endif
