/// The parts of signal-cli's JSON-RPC the connector reads: responses (`id`, `result`/`error`)
/// and `receive` notifications carrying an envelope with a data message.
struct SignalIncoming: Decodable, Sendable {
    struct RPCError: Decodable, Sendable {
        var code: Int?
        var message: String?
    }
    struct Result: Decodable, Sendable {
        var timestamp: Int?
    }
    struct Params: Decodable, Sendable {
        var envelope: SignalEnvelope?
        var account: String?
    }

    var id: Int?
    var method: String?
    var params: Params?
    var result: Result?
    var error: RPCError?
}

struct SignalEnvelope: Decodable, Sendable {
    struct DataMessage: Decodable, Sendable {
        struct GroupInfo: Decodable, Sendable {
            var groupId: String?
        }
        struct Mention: Decodable, Sendable {
            var number: String?
            var uuid: String?
        }
        var timestamp: Int?
        var message: String?
        var groupInfo: GroupInfo?
        var mentions: [Mention]?
    }

    var source: String?
    var sourceNumber: String?
    var sourceUuid: String?
    var sourceName: String?
    var timestamp: Int?
    var dataMessage: DataMessage?

    /// Who sent it: the number when known, else the UUID (numbers can be hidden).
    var sender: String? { sourceNumber ?? source ?? sourceUuid }
}
