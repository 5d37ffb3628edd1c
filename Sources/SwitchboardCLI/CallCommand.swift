import ArgumentParser
import Foundation
import SwitchboardClient
import SwitchboardProtocol

/// `switchboard call <method> [--params JSON]`: any method, for scripting and debugging.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "call", abstract: "Call a gateway method and print its result.")

    @Argument(help: "Method name, e.g. health, status, logs.tail.") var method: String
    @Option(help: "Params as a JSON object, e.g. '{\"limit\":20}'.") var params: String?
    @Flag(help: "For two-stage methods (agent): wait past the interim `accepted` answer for the final result.") var expectFinal = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let parsed: JSONValue?
        if let params {
            do {
                parsed = try GatewayJSON.json5Decoder.decode(JSONValue.self, from: Data(params.utf8))
            } catch {
                throw ValidationError("--params is not valid JSON: expected an object such as '{\"limit\":20}'")
            }
            guard case .object = parsed else { throw ValidationError("--params must be a JSON object, got \(parsed?.typeName ?? "nothing")") }
        } else {
            parsed = nil
        }
        let (method, expectFinal) = (method, expectFinal)
        let json = client.json
        let response = try await client.withClient { client in
            try await client.callRaw(method: method, params: parsed, expectFinal: expectFinal)
        }
        if response.ok {
            print(GatewayJSON.string(response.payload ?? .null, pretty: !json))
            // A run that ended badly is a failure for scripts too (`agent --expect-final`, `agent.wait`).
            if ["agent", "agent.wait"].contains(method), let status = response.payload?["status"]?.stringValue, ["error", "timeout"].contains(status) {
                throw ExitCode(ExitCodes.failure)
            }
            return
        }
        if json {
            print(GatewayJSON.string(response))
        } else if let error = response.error {
            FileHandle.standardError.write(Data("switchboard: \(error.code.rawValue): \(error.message)\n".utf8))
        }
        throw ExitCode(ExitCodes.failure)
    }
}
