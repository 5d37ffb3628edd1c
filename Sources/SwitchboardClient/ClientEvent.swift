public import SwitchboardProtocol

/// What a ``GatewayClient`` reports on its event stream.
public enum ClientEvent: Sendable {
    /// `hello-ok` received (also after each reconnect).
    case connected(HelloOK)
    /// A gateway event; `seq` gaps are reported separately before it.
    case event(AnyEventFrame)
    /// A broadcast `seq` skipped numbers: events were lost (§6.5); refetch state.
    case seqGap(expected: Int, received: Int)
    /// The socket closed; `code` and `reason` are the close frame's, when there was one.
    case disconnected(code: Int?, reason: String?)
    /// Waiting `delay` before reconnecting.
    case reconnecting(delay: Duration)
    /// `connect` was refused; the client stops reconnecting unless the error is retryable.
    case rejected(GatewayError)
}
