using System.Net.Sockets;
using LensSweep.Client.Cluster;

namespace LensSweep.Client.Tests;

public sealed class ConnectRetryPolicyTests
{
    [Fact]
    public async Task A_gateway_that_refused_twice_is_not_tried_again()
    {
        var policy = new ConnectRetryPolicy(TimeSpan.FromSeconds(30), gateways: 1);

        Assert.True(await policy.ShouldRetryAsync(Refused(), CancellationToken.None));
        Assert.False(await policy.ShouldRetryAsync(Refused(), CancellationToken.None));
    }

    [Fact]
    public async Task With_two_gateways_two_refusals_still_leave_the_other_to_try()
    {
        var policy = new ConnectRetryPolicy(TimeSpan.FromSeconds(30), gateways: 2);

        Assert.True(await policy.ShouldRetryAsync(Refused(), CancellationToken.None));
        Assert.True(await policy.ShouldRetryAsync(Refused(), CancellationToken.None));
    }

    [Fact]
    public async Task A_slow_failure_is_retried_until_the_connect_timeout_has_passed()
    {
        var policy = new ConnectRetryPolicy(TimeSpan.FromMilliseconds(300), gateways: 1);
        var slow = new TimeoutException("no answer yet");

        Assert.True(await policy.ShouldRetryAsync(slow, CancellationToken.None));
        await Task.Delay(400);
        Assert.False(await policy.ShouldRetryAsync(slow, CancellationToken.None));
        Assert.Equal("no answer yet", policy.LastFailure);
    }

    [Fact]
    public void Orleans_wrapped_refusals_are_recognised_by_the_socket_error_they_name() =>
        Assert.True(ConnectRetryPolicy.IsRefused(Refused()));

    [Fact]
    public void A_socket_refusal_is_recognised() =>
        Assert.True(ConnectRetryPolicy.IsRefused(new OrleansException("wrapped", new SocketException((int)SocketError.ConnectionRefused))));

    [Fact]
    public void A_timeout_is_not_a_refusal() =>
        Assert.False(ConnectRetryPolicy.IsRefused(new TimeoutException("slow")));

    /// <summary>What Orleans throws when nothing listens at the gateway (its inner exception type is internal).</summary>
    private static Exception Refused() => new OrleansException(
        "Unable to connect to any of the 1 available gateways.",
        new OrleansException("Unable to connect to endpoint S127.0.0.1:1:0. See InnerException", new IOException("Unable to connect to 127.0.0.1:1. Error: ConnectionRefused")));
}
