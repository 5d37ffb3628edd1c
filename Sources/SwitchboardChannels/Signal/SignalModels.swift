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
    /// `send`'s object; other methods answer with a number or a list (kept as nil).
    var result: Result?
    var error: RPCError?

    enum CodingKeys: String, CodingKey { case id, method, params, result, error }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = (try? container.decodeIfPresent(Int.self, forKey: .id)) ?? (try? container.decodeIfPresent(String.self, forKey: .id)).flatMap { $0.flatMap { Int($0) } }
        method = try container.decodeIfPresent(String.self, forKey: .method)
        params = try? container.decodeIfPresent(Params.self, forKey: .params)
        result = try? container.decodeIfPresent(Result.self, forKey: .result)
        error = try? container.decodeIfPresent(RPCError.self, forKey: .error)
    }
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
