import Foundation
import NIOCore
import SwitchboardProtocol

/// The pre-auth rules of §3 as a pure value: frames in, actions out, no I/O and no clock.
///
/// The connection handler performs the actions; tests drive every rule without sockets.
struct HandshakeStateMachine: Sendable {
    enum State: Sendable, Equatable {
        case awaitingConnect
        case authenticating
        case connected(protocolVersion: Int)
        /// The first frame was an adapter's `register`: the adapter protocol takes over.
        case adapter
        case closed
    }

    enum Action: Sendable {
        /// Close without a response (non-JSON first frame: 1000, no reason; bad shape: 1008).
        case close(code: UInt16, reason: String?)
        /// Answer the request with an error, then close.
        case reject(requestId: String, error: GatewayError, closeCode: UInt16, closeReason: String)
        /// Params are valid and the version negotiated: authenticate.
        case authenticate(requestId: String, params: ConnectParams, protocolVersion: Int)
        /// Connected: hand the frame to the dispatcher, with its params (nil: none).
        case dispatch(FrameEnvelope, params: ByteBuffer?)
        /// A platform adapter: hand this frame and the socket to the adapter protocol.
        case adapter
        /// After connect, a frame that is not a JSON object: answer with this reason, keep the socket.
        case malformed(String)
        /// Nothing to do (frames after close).
        case ignore
    }

    private(set) var state: State = .awaitingConnect

    /// Steps the machine with one whole inbound message.
    mutating func receive(_ frame: ByteBuffer) -> Action {
        switch state {
        case .closed, .authenticating, .adapter:
            return .ignore
        case .connected:
            switch frame.withUnsafeReadableBytes(FrameEnvelope.read) {
            case .success(let envelope):
                return .dispatch(envelope, params: envelope.params.map { frame.slice($0) })
            case .failure(let failure):
                return .malformed(Self.describe(failure))
            }
        case .awaitingConnect:
            return receiveFirst(frame)
        }
    }

    /// Steps the machine with a message given as `Data` (tests and the fuzzer).
    mutating func receive(_ frame: Data) -> Action {
        receive(ByteBuffer(bytes: frame))
    }

    /// Why a frame could not be read, for the error a client sees.
    static func describe(_ failure: FrameEnvelope.Failure) -> String {
        switch failure {
        case .notObject: "invalid request frame: expected a JSON object"
        case .notJSON(let error): "invalid request frame: not valid JSON (\(error))"
        }
    }

    private mutating func receiveFirst(_ frame: ByteBuffer) -> Action {
        let header: FrameEnvelope
        switch frame.withUnsafeReadableBytes(FrameEnvelope.read) {
        case .success(let envelope):
            header = envelope
        case .failure(.notObject):
            // Valid JSON, but not an object.
            state = .closed
            return .close(code: 1008, reason: "invalid request frame")
        case .failure(.notJSON):
            // Not JSON at all: a hard close, as OpenClaw's parse failure does.
            state = .closed
            return .close(code: 1000, reason: nil)
        }
        if header.type == "register" {
            state = .adapter
            return .adapter
        }
        guard header.type == "req", let id = header.id, !id.isEmpty, let method = header.method, !method.isEmpty else {
            state = .closed
            return .close(code: 1008, reason: "invalid request frame")
        }
        guard method == "connect" else {
            state = .closed
            return .reject(
                requestId: id, error: .invalidRequest("invalid handshake: first request must be connect"),
                closeCode: 1008, closeReason: "invalid handshake"
            )
        }
        guard let range = header.params else {
            state = .closed
            return .reject(requestId: id, error: .invalidRequest("invalid connect params: params: required"), closeCode: 1008, closeReason: "invalid connect params")
        }
        let params: ConnectParams
        do {
            params = try GatewayJSON.decoder.decode(ConnectParams.self, from: Data(frame.slice(range).readableBytesView))
        } catch let error as DecodingError {
            state = .closed
            return .reject(
                requestId: id, error: .invalidRequest("invalid connect params: \(error.fieldDescription(root: "params"))"),
                closeCode: 1008, closeReason: "invalid connect params"
            )
        } catch {
            state = .closed
            return .reject(requestId: id, error: .invalidRequest("invalid connect params"), closeCode: 1008, closeReason: "invalid connect params")
        }
        if let problem = params.validationProblem() {
            state = .closed
            return .reject(
                requestId: id, error: .invalidRequest("invalid connect params: \(problem)"), closeCode: 1008, closeReason: "invalid connect params"
            )
        }
        guard let version = ProtocolVersion.negotiate(min: params.minProtocol, max: params.maxProtocol) else {
            state = .closed
            return .reject(
                requestId: id,
                error: .invalidRequest(
                    "protocol mismatch",
                    details: [
                        "code": .string(GatewayDetailCode.protocolMismatch.rawValue),
                        "clientMinProtocol": .int(params.minProtocol),
                        "clientMaxProtocol": .int(params.maxProtocol),
                        "expectedProtocol": .int(ProtocolVersion.current),
                        "minimumProtocol": .int(ProtocolVersion.minimumSupported),
                        "minimumProbeProtocol": .int(ProtocolVersion.minimumProbe),
                    ]
                ),
                closeCode: 1002, closeReason: "protocol mismatch"
            )
        }
        state = .authenticating
        return .authenticate(requestId: id, params: params, protocolVersion: version)
    }

    /// Authentication succeeded.
    mutating func authenticated(protocolVersion: Int) {
        if state == .authenticating { state = .connected(protocolVersion: protocolVersion) }
    }

    /// Authentication failed or the socket is closing.
    mutating func close() {
        state = .closed
    }

    /// The handshake deadline passed: close (1000, no reason) unless connected.
    mutating func deadlinePassed() -> Action {
        switch state {
        case .awaitingConnect, .authenticating:
            state = .closed
            return .close(code: 1000, reason: nil)
        default:
            return .ignore
        }
    }
}

extension ByteBuffer {
    /// The bytes at `range`, counted from the reader index, without a copy.
    func slice(_ range: Range<Int>) -> ByteBuffer {
        getSlice(at: readerIndex + range.lowerBound, length: range.count) ?? ByteBuffer()
    }
}
