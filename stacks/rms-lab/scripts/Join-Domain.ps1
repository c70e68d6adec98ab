<#
.SYNOPSIS
    Joins this server to the lab's domain once the domain controller answers (it is promoted in
    a step before this one; the retry loop covers its restart). Restarts the server when done.
#>
param(
    [Parameter(Mandatory = $true)] [string] $DomainName,
    [Parameter(Mandatory = $true)] [string] $DomainControllerIp,
    [Parameter(Mandatory = $true)] [string] $JoinUser,
    # Protected parameter.
    [Parameter(Mandatory = $true)] [string] $JoinPassword
)
# @include common.ps1

Invoke-LabStep "join-domain" {
    Wait-LabRestart
    $system = Get-CimInstance Win32_ComputerSystem
    if ($system.PartOfDomain -and $system.Domain -eq $DomainName) { Write-LabLog "already a member of $DomainName"; return }
    Wait-LabCondition "the domain controller $DomainControllerIp answers for $DomainName (DNS and LDAP)" {
        (Resolve-DnsName -Name "_ldap._tcp.dc._msdcs.$DomainName" -Type SRV -Server $DomainControllerIp -DnsOnly -ErrorAction Stop) -and
        (Test-NetConnection -ComputerName $DomainControllerIp -Port 389 -InformationLevel Quiet -WarningAction SilentlyContinue)
    } 60
    $credential = New-Object System.Management.Automation.PSCredential("$JoinUser@$DomainName", (ConvertTo-LabSecureString $JoinPassword))
    Wait-LabCondition "joined $DomainName" { Add-Computer -DomainName $DomainName -Credential $credential -Force -ErrorAction Stop; $true } 15
    Request-LabRestart "joined $DomainName"
}
