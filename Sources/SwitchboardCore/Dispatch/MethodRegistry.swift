import Foundation
import NIOCore
public import SwitchboardProtocol

/// Typed handlers keyed by wire name. Registration captures a generic closure, so params are
/// decoded once, straight from the frame's `params` bytes into the method's `Params` type.
public struct MethodRegistry: Sendable {
    /// Decodes params, runs the handler, encodes the `res` frame. `params` nil: none were sent.
    typealias Invoke = @Sendable (_ params: ByteBuffer?, _ context: RequestContext) async throws -> ByteBuffer
    /// The same, on the connection's event loop and without waiting; nil hands the request to
    /// the ordinary path (`Invoke` in a task).
    typealias Immediate = @Sendable (_ params: ByteBuffer?, _ context: RequestContext) throws -> ByteBuffer?

    struct Entry: Sendable {
        var descriptor: MethodDescriptor
        var invoke: Invoke
        var immediate: Immediate?
    }

    private(set) var entries: [String: Entry] = [:]

    public init() {}

    /// Registers the handler for `M`. Registering a name twice is a programming error.
    public mutating func register<M: GatewayMethod>(
        _ method: M.Type,
        _ handler: @escaping @Sendable (M.Params, RequestContext) async throws -> M.Result
    ) {
        let empty = Self.emptyParams(M.Params.self)
        add(M.self) { params, context in
            let result = try await handler(try Self.decodeParams(M.Params.self, from: params, empty: empty), context)
            var buffer = ByteBuffer()
            buffer.writeBytes(try GatewayJSON.encoder.encode(ResponseFrame<M.Result>.success(id: context.requestId, result)))
            return buffer
        }
    }

    /// Registers a method whose handler returns its result already encoded (see ``EncodedPayload``).
    ///
    /// - Parameter immediate: answers on the event loop when it can do so at once (a cached
    ///   value, no I/O, no locks held for long); returning nil falls back to `handler`.
    mutating func registerEncoded<M: GatewayMethod>(
        _ method: M.Type,
        immediate: (@Sendable (M.Params, RequestContext) throws -> EncodedPayload?)? = nil,
        _ handler: @escaping @Sendable (M.Params, RequestContext) async throws -> EncodedPayload
    ) {
        let empty = Self.emptyParams(M.Params.self)
        var answerAtOnce: Immediate?
        if let immediate {
            answerAtOnce = { params, context in
                let decoded = try Self.decodeParams(M.Params.self, from: params, empty: empty)
                return try immediate(decoded, context)?.responseFrame(id: context.requestId)
            }
        }
        add(M.self, immediate: answerAtOnce) { params, context in
            let decoded = try Self.decodeParams(M.Params.self, from: params, empty: empty)
            return try await handler(decoded, context).responseFrame(id: context.requestId)
        }
    }

    private mutating func add<M: GatewayMethod>(_ method: M.Type, immediate: Immediate? = nil, _ invoke: @escaping Invoke) {
        precondition(entries[M.name] == nil, "method \(M.name) registered twice")
        entries[M.name] = Entry(descriptor: M.descriptor, invoke: invoke, immediate: immediate)
    }

    /// The names of every registered method, in catalog order where known.
    public var names: [String] {
        let catalog = MethodCatalog.names.filter { entries[$0] != nil }
        return catalog + entries.keys.filter { !catalog.contains($0) }.sorted()
    }

    func entry(_ name: String) -> Entry? { entries[name] }

    /// `P` as read from `{}`, worked out once at registration; nil when `P` has required fields.
    private static func emptyParams<P: Decodable>(_ type: P.Type) -> P? {
        try? GatewayJSON.decoder.decode(P.self, from: Data("{}".utf8))
    }

    /// No `params` (absent, `null` or `{}`) reads as `{}`: all-optional types succeed without
    /// a decode, and required fields are reported by name.
    static func decodeParams<P: Decodable>(_ type: P.Type, from params: ByteBuffer?, empty: P?) throws -> P {
        let isEmpty = params.map { $0.withUnsafeReadableBytes(FrameEnvelope.isEmptyObject) } ?? true
        if isEmpty, let empty { return empty }
        do {
            var data = Data("{}".utf8)
            if let params, !isEmpty { data = Data(params.readableBytesView) }
            return try GatewayJSON.decoder.decode(P.self, from: data)
        } catch let error as DecodingError {
            throw GatewayError.invalidRequest("invalid params: \(error.fieldDescription(root: "params"))")
        }
    }
}
