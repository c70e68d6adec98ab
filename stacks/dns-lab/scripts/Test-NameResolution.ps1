<#
.SYNOPSIS
    Resolves names from this VM with DNS only, for labs verify: the names the DNS lab's pattern
    says this VM must resolve.

.DESCRIPTION
    Prints one line per name, RESOLVE|name|addresses (comma-separated)|error, and changes
    nothing. -DnsOnly skips LLMNR and NetBIOS, so only DNS can answer; -QuickTimeout keeps a
    name that does not resolve from holding up the others.

.PARAMETER Names
    Comma-separated DNS names.
#>
param(
    [Parameter(Mandatory = $true)] [string] $Names
)

$ErrorActionPreference = "Stop"
foreach ($n in @($Names -split ',' | Where-Object { $_ })) {
    try {
        $ips = @(Resolve-DnsName -Name $n -Type A -DnsOnly -QuickTimeout -ErrorAction Stop | Where-Object { $_.Type -eq 'A' } | ForEach-Object { $_.IPAddress }) -join ','
        Write-Output "RESOLVE|$n|$ips|"
    } catch {
        $msg = $_.Exception.Message -replace '[|\r\n]', ' '
        Write-Output "RESOLVE|$n||$msg"
    }
}
