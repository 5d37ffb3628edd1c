import Foundation
import NIOCore
import NIOEmbedded
import NIOWebSocket
import SwitchboardProtocol

/// The entry point of the `switchboard-fuzz` target (libFuzzer): one input is read three ways
/// (as raw socket bytes through the frame-size guard and NIO's frame decoder, as a first
/// frame, and as a frame after `connect`), and every decoded payload goes through the
/// handshake state machine too; params it finds are decoded into real method types. Anything
/// but a clean return is a bug: a crash, a trap, an unbounded allocation, or the frame reader
/// accepting text that Foundation's `JSONDecoder` calls invalid JSON. Kept apart from the
/// product's paths; only the fuzzer calls it.
@_spi(Fuzzing)
public enum FrameFuzzing {
    /// The pre-auth frame limit the fuzzed pipeline enforces.
    public static let limit = 64 * 1024

    public static func run(_ input: [UInt8]) {
        let data = Data(input)
        var first = HandshakeStateMachine()
        _ = first.receive(data)
        var connected = HandshakeStateMachine()
        _ = connected.receive(Data(#"{"type":"req","id":"c","method":"connect","params":{"minProtocol":3,"maxProtocol":4,"client":{"id":"f","version":"1","platform":"linux","mode":"cli"}}}"#.utf8))
        connected.authenticated(protocolVersion: 4)
        afterConnect(&connected, data)
        for payload in decodedFrames(input) {
            afterConnect(&connected, Data(payload))
        }
    }

    private static func afterConnect(_ machine: inout HandshakeStateMachine, _ data: Data) {
        guard case .dispatch(_, let params) = machine.receive(data) else { return }
        // Accepted by the reader, so it must be JSON to a full decode as well.
        do {
            _ = try GatewayJSON.decoder.decode(JSONValue.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty && context.debugDescription.contains("not valid JSON") {
            preconditionFailure("FrameEnvelope accepted text JSONDecoder refuses: \(context.underlyingError.map { "\($0)" } ?? "")")
        } catch {
            // Valid JSON a JSONValue cannot hold (say, 1e999): not the reader's business.
        }
        _ = try? MethodRegistry.decodeParams(ChatSend.Params.self, from: params, empty: nil)
        _ = try? MethodRegistry.decodeParams(Health.Params.self, from: params, empty: nil)
    }

    /// The WebSocket frames NIO decodes from `bytes` behind ``FrameLengthGuard``.
    static func decodedFrames(_ bytes: [UInt8]) -> [[UInt8]] {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        do {
            try channel.pipeline.syncOperations.addHandler(FrameLengthGuard(limit: FrameLimit(bytes: limit)))
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: limit)))
            try channel.writeInbound(ByteBuffer(bytes: bytes))
        } catch {
            return []
        }
        var payloads: [[UInt8]] = []
        while let frame = try? channel.readInbound(as: WebSocketFrame.self) {
            payloads.append(Array(frame.unmaskedData.readableBytesView))
        }
        return payloads
    }
}
