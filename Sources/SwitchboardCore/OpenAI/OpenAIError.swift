import Foundation
import HTTPTypes
import Hummingbird
import SwitchboardProtocol

/// An error in OpenAI's shape (`{"error": {message, type, param, code}}`), which the OpenAI
/// SDKs turn into their typed exceptions.
struct OpenAIError: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String
    var type: String
    var code: String?
    var param: String?

    static func invalid(_ message: String, param: String? = nil) -> OpenAIError {
        OpenAIError(status: .badRequest, message: message, type: "invalid_request_error", code: nil, param: param)
    }

    var response: Response {
        var error: [String: JSONValue] = ["message": .string(message), "type": .string(type)]
        error["code"] = code.map { .string($0) } ?? .null
        error["param"] = param.map { .string($0) } ?? .null
        return HTTPRoutes.json(status, ["error": .object(error)])
    }
}
